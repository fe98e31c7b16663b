/**
 * The store URLs a benchmark measures: its arguments, else `BENCH_STORES` (comma or space
 * separated), else `defaults`. A lone `--` (as npm passes it) is ignored.
 */
export function storeUrls(defaults: readonly string[]): string[] {
  const fromArgs = process.argv.slice(2).filter((a) => a !== "--");
  if (fromArgs.length > 0) return fromArgs;
  const fromEnv = (process.env.BENCH_STORES ?? "").split(/[\s,]+/).filter((u) => u !== "");
  return fromEnv.length > 0 ? fromEnv : [...defaults];
}

/**
 * Fills in a URL template: `{tmp}` becomes the run's scratch folder and `{pid}` this process id,
 * so each run gets its own file or namespace.
 */
export function expandUrl(template: string, tmp: string): string {
  return template.replaceAll("{tmp}", tmp).replaceAll("{pid}", String(process.pid));
}

/** A URL without credentials, for tables and logs. */
export function displayUrl(url: string): string {
  return url.replace(/\/\/[^/@]*@/, "//");
}
