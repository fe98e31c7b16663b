import type { Plugin } from "graphql-yoga";

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
