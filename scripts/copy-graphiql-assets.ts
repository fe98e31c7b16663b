/**
 * Copies the GraphiQL files the server serves (see `src/graphql/graphiql.ts`) from the
 * @graphql-yoga/graphiql package, a development dependency, into `dist/graphiql/`, with the
 * package's licence. Part of `npm run build`. A file already there with the same bytes is not
 * written again, so a build over an unchanged tree changes nothing on disk.
 *
 * Usage: `tsx scripts/copy-graphiql-assets.ts`
 */
import { copyFile, mkdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { GRAPHIQL_ASSET_FILES, GRAPHIQL_VERSION } from "../src/graphql/graphiql.js";

const require = createRequire(import.meta.url);
const packageJson = require.resolve("@graphql-yoga/graphiql/package.json");
const { version } = require(packageJson) as { version: string };
if (version !== GRAPHIQL_VERSION) {
  console.error(
    `@graphql-yoga/graphiql is ${version}, but src/graphql/graphiql.ts serves ${GRAPHIQL_VERSION}: update GRAPHIQL_VERSION`,
  );
  process.exit(1);
}

const packageDir = dirname(packageJson);
const target = fileURLToPath(new URL("../dist/graphiql/", import.meta.url));

async function sameBytes(a: string, b: string): Promise<boolean> {
  const [left, right] = await Promise.all([readFile(a), readFile(b).catch(() => undefined)]);
  return right !== undefined && left.equals(right);
}

const files = [
  ...Object.values(GRAPHIQL_ASSET_FILES).map((file) => ({ from: join(packageDir, "dist", file), to: file })),
  { from: join(packageDir, "LICENSE"), to: "LICENSE" },
];
for (const { from, to } of files) {
  const destination = join(target, to);
  if (await sameBytes(from, destination)) continue;
  await mkdir(dirname(destination), { recursive: true });
  await copyFile(from, destination);
}
