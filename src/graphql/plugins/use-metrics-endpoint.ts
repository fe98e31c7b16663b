import type { Plugin } from "graphql-yoga";
import type { ApiMetrics } from "../../metrics/api-metrics.js";
import type { FeatureStore } from "../../store/feature-store.js";
import type { BearerTokens } from "../bearer-tokens.js";
import { failureResponse } from "../file-upload.js";
import { requestLog } from "../request-record.js";

/** Where {@link useMetricsEndpoint} answers. */
export const METRICS_PATH = "/metrics";

/**
 * `GET /metrics`: the app's metrics in the Prometheus text format. It follows the read-token
 * policy (a 401 without the read or write token when a read token is set) unless `open` is
 * true (`FEATURESTORE_METRICS_PUBLIC`), for a scraper on a private network that holds no token.
 * The store's backend calls and writes are observed while the app lives, and no longer once it
 * is disposed.
 */
export function useMetricsEndpoint(
  metrics: ApiMetrics,
  store: FeatureStore,
  tokens: BearerTokens | undefined,
  open: boolean,
): Plugin {
  const stopObserving = store.observe(metrics.storeObserver);
  return {
    onDispose() {
      stopObserving();
    },
    async onRequest({ url, request, endResponse, fetchAPI }) {
      if (url.pathname !== METRICS_PATH || (request.method !== "GET" && request.method !== "HEAD")) return;
      const refusal = open ? undefined : tokens?.readRefusal(request);
      if (refusal) {
        endResponse(failureResponse(fetchAPI, refusal, requestLog(request)));
        return;
      }
      const body = await metrics.registry.metrics();
      endResponse(
        new fetchAPI.Response(request.method === "HEAD" ? null : body, {
          headers: { "content-type": metrics.registry.contentType, "cache-control": "no-store" },
        }),
      );
    },
  };
}
