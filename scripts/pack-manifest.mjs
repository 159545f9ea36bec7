// The package.json that `npm pack` and `npm publish` put in the tarball, without the `source`
// export conditions.
//
// In the repository, every entry of `exports` has a `source` condition pointing at src/*.ts: the
// tests, the examples and `npm start` run with `--conditions=source`, so `import "greenthread"`
// loads the sources rather than a stale dist/. The tarball ships no src/, and a published `source`
// condition would point a consumer whose own tooling sets that (common) condition at files that
// are not there. npm has no hook that rewrites the manifest it packs, so `prepack` runs
// `strip` (package.json loses the conditions, its exact bytes are kept aside) and `postpack` runs
// `restore`. A pack that failed between the two leaves the copy behind; the next `strip` starts
// from that copy, and `restore` puts it back by hand.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const manifest = join(root, "package.json");
const kept = join(root, ".package.json.prepack");

/** The manifest with every `source` condition removed from `exports`. */
function stripSource(pkg) {
  const exports = Object.fromEntries(
    Object.entries(pkg.exports).map(([path, target]) => {
      if (typeof target !== "object" || target === null) return [path, target];
      const { source: _source, ...published } = target;
      return [path, published];
    }),
  );
  return { ...pkg, exports };
}

function strip() {
  if (!existsSync(kept)) writeFileSync(kept, readFileSync(manifest));
  const pkg = JSON.parse(readFileSync(kept, "utf8"));
  writeFileSync(manifest, `${JSON.stringify(stripSource(pkg), null, 2)}\n`);
}

function restore() {
  if (existsSync(kept)) renameSync(kept, manifest);
}

const command = process.argv[2];
if (command === "strip") strip();
else if (command === "restore") restore();
else {
  console.error(`usage: node scripts/pack-manifest.mjs strip|restore (got ${command ?? "nothing"})`);
  process.exit(2);
}
