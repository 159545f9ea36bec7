// Reference, pool.md: Group.map() runs one greenlet per item and keeps the input order. Here the
// items are files, stat()ed on the real file system.
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Group } from "greenthread";

const dir = await mkdtemp(join(tmpdir(), "greenthread-"));
const files = [join(dir, "hello.txt"), join(dir, "empty.txt"), join(dir, "numbers.txt")];
await writeFile(files[0]!, "hello");
await writeFile(files[1]!, "");
await writeFile(files[2]!, "0123456789");

const group = new Group();
const sizes = await group.map(async (g, file: string) => (await stat(file)).size, files);
console.log(sizes);
await rm(dir, { recursive: true });
