import type { YogaServerOptions } from "graphql-yoga";
import { TRANSFORM_HEADER } from "./plugins/use-training-set-endpoint.js";

type CorsOption = YogaServerOptions<Record<string, unknown>, Record<string, unknown>>["cors"];

/**
 * The CORS policy for a list of allowed origins (`*` allows any). A browser page from another
 * origin may read responses only when its origin is listed; credentials (cookies) are never
 * allowed, so no origin list can become a credentialed wildcard. With no origins, no CORS
 * headers are sent at all and the API is same-origin only.
 */
export function corsPolicy(origins: readonly string[]): CorsOption {
  if (origins.length === 0) return false;
  const anyOrigin = origins.includes("*");
  const allowed = new Set(origins);
  return (request: Request) => {
    const origin = request.headers.get("origin");
    if (origin === null || (!anyOrigin && !allowed.has(origin))) return false;
    return {
      origin: [origin],
      credentials: false,
      methods: ["GET", "POST"],
      allowedHeaders: ["content-type", "accept", "authorization", "x-graphql-yoga-csrf"],
      // A page that fetched a training set may read which transform produced it.
      exposedHeaders: [TRANSFORM_HEADER],
      maxAge: 600,
    };
  };
}
