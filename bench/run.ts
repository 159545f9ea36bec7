// Runs every suite in bench/*.bench.ts, each in its own process (a clean heap and JIT state per
// suite), or only those whose file name contains one of the arguments: `npm run bench -- queue`.
// Arguments that start with "--" go to every suite run, values attached with "=":
// `npm run bench -- peers --quick`, `npm run bench -- peers --only=pool-map`.
import { readdirSync } from "node:fs";
import { spawnSync } from "node:child_process";

const argv = process.argv.slice(2);
const filters = argv.filter((arg) => !arg.startsWith("--"));
const options = argv.filter((arg) => arg.startsWith("--"));
const suites = readdirSync(new URL(".", import.meta.url))
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

let failed = 0;
for (const suite of suites) {
  console.log(`\n# ${suite}`);
  const result = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", new URL(suite, import.meta.url).pathname, ...options], {
    stdio: "inherit",
  });
  if (result.status !== 0) failed++;
}
console.log(`\n${suites.length - failed} of ${suites.length} suites met their targets`);
process.exitCode = failed === 0 ? 0 : 1;
