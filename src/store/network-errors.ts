/**
 * Node error codes of a connection that cannot be made or was cut: a network backend translates
 * a driver error carrying one of them to BACKEND_UNAVAILABLE (the server cannot be reached), not
 * to an internal error.
 */
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);
