/**
 * Builds the feature explorer (web/) into `dist/explorer/` with Vite. Part of `npm run build`.
 * The build is skipped when its inputs (the web sources, the Vite config and the lockfile) are
 * the same as at the last build, so a build over an unchanged tree changes nothing on disk.
 *
 * Usage: `tsx scripts/build-explorer.ts`
 */
import { createHash } from "node:crypto";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";

const root = fileURLToPath(new URL("..", import.meta.url));
const webDir = join(root, "web");
const outDir = join(root, "dist", "explorer");
const stampFile = join(outDir, ".build-inputs");

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)])),
  );
  return nested.flat().sort();
}

async function inputsHash(): Promise<string> {
  const hash = createHash("sha256");
  for (const file of [...(await files(webDir)), join(root, "package-lock.json")]) {
    hash
      .update(relative(root, file))
      .update("\0")
      .update(await readFile(file))
      .update("\0");
  }
  return hash.digest("hex");
}

const inputs = await inputsHash();
const built = await readFile(stampFile, "utf8").catch(() => "");
if (built !== inputs) {
  process.stderr.write("building the feature explorer (web/ -> dist/explorer/)…\n");
  await build({ configFile: join(webDir, "vite.config.ts") });
  await writeFile(stampFile, inputs);
}
