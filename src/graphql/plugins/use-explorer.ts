import type { Plugin } from "graphql-yoga";
import { ApiErrorCode, errorResponse } from "../errors.js";
import {
  EXPLORER_ASSETS_PATH,
  type ExplorerBuild,
  type ExplorerFile,
  readExplorerBuild,
} from "../explorer.js";

/** The hashed files: a year, the most caches honour; a new build has new names. */
const ASSET_CACHE_CONTROL = "public, max-age=31536000, immutable";
/** The page names the current build's files: always revalidated (a 304 when unchanged). */
const PAGE_CACHE_CONTROL = "no-cache";
/**
 * The page may load and call nothing but this server, and no other site may frame it. Styles
 * allow inline ones: the chart library sizes its elements with style attributes.
 */
const PAGE_CSP = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join("; ");

/**
 * The build, read on the first request and kept for the life of the process: a few hundred
 * kilobytes. A failed read is not remembered, so the next request tries again.
 */
let build: Promise<ExplorerBuild | undefined> | undefined;
function explorerBuild(): Promise<ExplorerBuild | undefined> {
  if (build) return build;
  const reading = readExplorerBuild();
  const forget = () => {
    if (build === reading) build = undefined;
  };
  reading.then((read) => read ?? forget(), forget);
  build = reading;
  return reading;
}

function acceptsGzip(request: Request): boolean {
  const accepted = request.headers.get("accept-encoding") ?? "";
  return /(?:^|,)\s*gzip\s*(?:,|$|;(?!\s*q=0(?:\.0*)?\s*(?:,|$)))/i.test(accepted);
}

function fileResponse(
  fetchAPI: { Response: typeof Response },
  request: Request,
  file: ExplorerFile,
  headers: Record<string, string>,
): Response {
  const common = {
    ...headers,
    etag: file.etag,
    vary: "accept-encoding",
    "x-content-type-options": "nosniff",
  };
  if (request.headers.get("if-none-match") === file.etag) {
    return new fetchAPI.Response(null, { status: 304, headers: common });
  }
  const gzip = acceptsGzip(request);
  const body = gzip ? file.gzipped : file.bytes;
  return new fetchAPI.Response(request.method === "HEAD" ? null : body, {
    status: 200,
    headers: {
      ...common,
      "content-type": file.contentType,
      "content-length": String(body.byteLength),
      ...(gzip ? { "content-encoding": "gzip" } : {}),
    },
  });
}

/**
 * Serves the feature explorer: its page at `GET /` and its built files under
 * `/explorer/assets/`, to `GET` and `HEAD`, gzipped for clients that accept it. Only the files
 * of the build are served, matched by exact name; any other path under `/explorer/` is left to
 * the coded 404 of useUnhandledRoute. The files are static and need no token: the app asks the
 * person for one when the API refuses it, and sends it with each GraphQL request. Without a
 * build (sources run without `npm run build`) `/` is a coded 404 that says so.
 */
export function useExplorer(): Plugin {
  const assetsPrefix = `${EXPLORER_ASSETS_PATH}/assets/`;
  return {
    async onRequest({ url, request, endResponse, fetchAPI }) {
      if (request.method !== "GET" && request.method !== "HEAD") return;
      const isPage = url.pathname === "/";
      if (!isPage && !url.pathname.startsWith(assetsPrefix)) return;
      const files = await explorerBuild();
      if (!files) {
        if (isPage) {
          endResponse(
            errorResponse(
              fetchAPI,
              404,
              ApiErrorCode.NOT_FOUND,
              "the feature explorer is not built (npm run build); GraphiQL is at /graphql",
            ),
          );
        }
        return;
      }
      if (isPage) {
        endResponse(
          fileResponse(fetchAPI, request, files.index, {
            "cache-control": PAGE_CACHE_CONTROL,
            "content-security-policy": PAGE_CSP,
            "referrer-policy": "no-referrer",
          }),
        );
        return;
      }
      const file = files.assets.get(url.pathname.slice(assetsPrefix.length));
      if (file) endResponse(fileResponse(fetchAPI, request, file, { "cache-control": ASSET_CACHE_CONTROL }));
    },
  };
}
