import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { extname } from "node:path";
import { gzipSync } from "node:zlib";

/*
 * The feature explorer is a static web app (sources in web/, built by `npm run build` into
 * `dist/explorer/`): `index.html`, served at `/`, and files with content hashes in their names,
 * served under {@link EXPLORER_ASSETS_PATH}. The app reads everything it shows through the
 * public GraphQL API, with the token the person gives it, so its files need no token.
 */

/** Where the explorer's built files are served; Vite's `base` (web/vite.config.ts). */
export const EXPLORER_ASSETS_PATH = "/explorer";

/**
 * Where the built files are: `dist/explorer/` at the package root, two levels up from this
 * module both as source (`src/graphql/`) and as build output (`dist/graphql/`).
 */
const explorerDir = new URL("../../dist/explorer/", import.meta.url);

/** One file as served: its bytes, gzipped once, and its content type. */
export interface ExplorerFile {
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly gzipped: Uint8Array<ArrayBuffer>;
  readonly contentType: string;
  /** A strong validator of the bytes, for conditional requests. */
  readonly etag: string;
}

/** The built explorer: its page and, by name, the files under `assets/`. */
export interface ExplorerBuild {
  readonly index: ExplorerFile;
  readonly assets: ReadonlyMap<string, ExplorerFile>;
}

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".json": "application/json",
};

function explorerFile(bytes: Buffer, name: string): ExplorerFile {
  return {
    bytes: new Uint8Array(bytes),
    gzipped: new Uint8Array(gzipSync(bytes, { level: 9 })),
    contentType: CONTENT_TYPES[extname(name)] ?? "application/octet-stream",
    etag: `"${createHash("sha256").update(bytes).digest("base64url").slice(0, 27)}"`,
  };
}

/**
 * Reads the built explorer from `dist/explorer/`: the page and every file under `assets/`,
 * which become the only names served (nothing is ever read from a path a request names).
 * @returns undefined when the explorer is not built (running from sources without a build).
 */
export async function readExplorerBuild(dir: URL = explorerDir): Promise<ExplorerBuild | undefined> {
  let index: Buffer;
  try {
    index = await readFile(new URL("index.html", dir));
  } catch {
    return undefined;
  }
  const assets = new Map<string, ExplorerFile>();
  const assetsDir = new URL("assets/", dir);
  const names = await readdir(assetsDir).catch(() => [] as string[]);
  for (const name of names) assets.set(name, explorerFile(await readFile(new URL(name, assetsDir)), name));
  return { index: explorerFile(index, "index.html"), assets };
}
