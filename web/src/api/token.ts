/**
 * The API token the person gave, kept in sessionStorage: it lasts while the tab is open and
 * is never written to disk or sent anywhere but in the Authorization header of our own
 * GraphQL requests (never in a cookie, so a page on another site cannot make a browser send it).
 */
const STORAGE_KEY = "featurestore.explorer.token";

type Listener = () => void;
const listeners = new Set<Listener>();

/** The token to send, if the person gave one. */
export function readToken(): string | undefined {
  try {
    return sessionStorage.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Keeps (or, with an empty string, forgets) the token, then tells every listener. */
export function saveToken(token: string): void {
  const trimmed = token.trim();
  try {
    if (trimmed) sessionStorage.setItem(STORAGE_KEY, trimmed);
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage refused (private mode with no quota): the token lasts until the page reloads.
  }
  for (const listener of listeners) listener();
}

/** Calls `listener` whenever the token changes; returns the function that stops it. */
export function onTokenChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
