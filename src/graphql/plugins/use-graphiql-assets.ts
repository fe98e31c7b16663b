import { readFile } from "node:fs/promises";
import type { Plugin } from "graphql-yoga";
import { ApiErrorCode, errorResponse } from "../errors.js";
import { type AssetName, assetFile, GRAPHIQL_ASSETS_PATH, isAssetName } from "../graphiql.js";

/** A year: the most that caches honour, and safe because the URLs carry the version. */
const CACHE_CONTROL = "public, max-age=31536000, immutable";

function contentType(name: AssetName): string {
  return name.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
}

/**
 * Each file's bytes, read on its first request and kept for the life of the process (about
 * 9 MB in all): a server that nobody opens GraphiQL on never reads them, and every app in the
 * process shares one copy.
 */
const loaded = new Map<AssetName, Promise<Uint8Array<ArrayBuffer>>>();

function assetBytes(name: AssetName): Promise<Uint8Array<ArrayBuffer>> {
  let bytes = loaded.get(name);
  if (!bytes) {
    // Copied once into a plain ArrayBuffer, the kind a Response body takes.
    bytes = readFile(assetFile(name)).then((file) => new Uint8Array(file));
    // A failed read is not remembered, so the next request tries again.
    bytes.catch(() => loaded.delete(name));
    loaded.set(name, bytes);
  }
  return bytes;
}

/**
 * Serves the files the page of `renderOfflineGraphiQL` loads, under
 * {@link GRAPHIQL_ASSETS_PATH}, to `GET` and `HEAD`. Only the allow-listed names are served,
 * matched exactly against the request's path, so no request can name another file; any other
 * path under `/graphiql/` is a coded 404. Add it only where GraphiQL is enabled.
 */
export function useGraphiQLAssets(): Plugin {
  const prefix = `${GRAPHIQL_ASSETS_PATH}/`;
  return {
    async onRequest({ url, request, endResponse, fetchAPI }) {
      if (!url.pathname.startsWith("/graphiql/")) return;
      if (request.method !== "GET" && request.method !== "HEAD") return;
      const name = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : "";
      if (!isAssetName(name)) {
        endResponse(errorResponse(fetchAPI, 404, ApiErrorCode.NOT_FOUND, "no such GraphiQL file"));
        return;
      }
      const bytes = await assetBytes(name);
      endResponse(
        new fetchAPI.Response(request.method === "HEAD" ? null : bytes, {
          status: 200,
          headers: {
            "content-type": contentType(name),
            "content-length": String(bytes.byteLength),
            "cache-control": CACHE_CONTROL,
            "x-content-type-options": "nosniff",
          },
        }),
      );
    },
  };
}
