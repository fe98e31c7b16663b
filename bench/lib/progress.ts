/** Writes a progress line to stderr, so stdout holds only the results. */
export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}
