/**
 * How this project runs Chromium headless, for the browser tests and `npm run check:graphiql`:
 * Debian's browser and the flags that keep it quiet and offline.
 */

/** Where Debian's `chromium` package puts the browser (`apt-get install -y chromium`). */
export const CHROMIUM = "/usr/bin/chromium";

/** Headless, no sandbox (CI runs as root), and no traffic of its own (updates, sync, QUIC). */
export const CHROMIUM_ARGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
