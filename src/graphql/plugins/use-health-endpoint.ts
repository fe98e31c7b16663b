import type { Plugin } from "graphql-yoga";
import type { FeatureStore } from "../../store/feature-store.js";
import { requestLog } from "../request-record.js";

/** Where {@link useHealthEndpoint} answers. */
const HEALTH_PATH = "/health";

/** The state of the channel subscriptions hear changes on, as `/health` reports it. */
export interface PubSubState {
  /** `in-process`, `redis` or `postgres`. */
  transport: string;
  /** False while a distributed transport reconnects (changes made elsewhere are not heard). */
  connected: boolean;
}

/**
 * `GET /health`: 200 `{"status":"ok","store":{"ok":true,"backend":"sqlite"},"pubsub":{...}}` when
 * the store answers, 503 with `"status":"unavailable"` when it does not. A pubsub that is
 * reconnecting shows as `"ok": false` but keeps the status 200: the replica still serves reads
 * and writes, and a load balancer should not take it out for that. The backend's own words go
 * to the log, not to the response.
 */
export function useHealthEndpoint(store: FeatureStore, pubsubState?: () => PubSubState): Plugin {
  return {
    async onRequest({ url, request, endResponse, fetchAPI }) {
      if (url.pathname !== HEALTH_PATH || (request.method !== "GET" && request.method !== "HEAD")) return;
      const health = await store.health();
      if (!health.ok)
        requestLog(request).warn({ backend: health.backend, detail: health.detail }, "store is unhealthy");
      const pubsub = pubsubState?.();
      endResponse(
        fetchAPI.Response.json(
          {
            status: health.ok ? "ok" : "unavailable",
            store: { ok: health.ok, backend: health.backend },
            ...(pubsub ? { pubsub: { ok: pubsub.connected, transport: pubsub.transport } } : {}),
          },
          { status: health.ok ? 200 : 503, headers: { "cache-control": "no-store" } },
        ),
      );
    },
  };
}
