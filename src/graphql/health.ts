import type { Plugin } from "graphql-yoga";
import { logger } from "../core/logger.js";
import type { FeatureStore } from "../store/store.js";

/** Where {@link useHealthEndpoint} answers. */
export const HEALTH_PATH = "/health";

/**
 * `GET /health`: 200 `{"status":"ok","store":{"ok":true,"backend":"sqlite"}}` when the store
 * answers, 503 with `"status":"unavailable"` when it does not. The backend's own words go to
 * the log, not to the response.
 */
export function useHealthEndpoint(store: FeatureStore): Plugin {
  return {
    async onRequest({ url, request, endResponse, fetchAPI }) {
      if (url.pathname !== HEALTH_PATH || (request.method !== "GET" && request.method !== "HEAD")) return;
      const health = await store.health();
      if (!health.ok) logger.warn({ backend: health.backend, detail: health.detail }, "store is unhealthy");
      endResponse(
        fetchAPI.Response.json(
          { status: health.ok ? "ok" : "unavailable", store: { ok: health.ok, backend: health.backend } },
          { status: health.ok ? 200 : 503, headers: { "cache-control": "no-store" } },
        ),
      );
    },
  };
}
