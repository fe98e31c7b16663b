import type { Plugin, YogaServerOptions } from "graphql-yoga";

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
      maxAge: 600,
    };
  };
}

/**
 * Adds `Vary: Origin` to every response when CORS is on: whether a response carries CORS
 * headers, and which origin they name, depends on the request's Origin, so a shared cache must
 * not hand one origin's response to another. Returns `undefined` when CORS is off (no response
 * depends on the Origin then).
 */
export function useVaryOrigin(origins: readonly string[]): Plugin | undefined {
  if (origins.length === 0) return undefined;
  return {
    onResponse({ response }) {
      const vary = response.headers.get("vary");
      const listed = vary?.split(",").some((name) => name.trim().toLowerCase() === "origin") ?? false;
      if (vary === null) response.headers.set("vary", "Origin");
      else if (!listed && vary.trim() !== "*") response.headers.set("vary", `${vary}, Origin`);
    },
  };
}
