import type { Samples } from "./stats.js";

/** How long and how wide a timed run is. */
export interface MeasureOptions {
  /** Keep starting calls until this many milliseconds have passed. */
  readonly budgetMs: number;
  /** ...and until at least this many calls have completed, whatever the budget (default 1). */
  readonly minCalls?: number;
  /** Calls kept in flight at once (default 1: each call awaited before the next starts). */
  readonly concurrency?: number;
}

/**
 * Calls `op` repeatedly and times each call with `process.hrtime.bigint()`. `op` receives a
 * running call number, so a benchmark can rotate over keys instead of hitting one.
 *
 * With `concurrency` > 1 that many loops run side by side: throughput is then calls per wall
 * time, and each latency includes the time the call waited behind the others in flight.
 */
export async function measure(
  op: (call: number) => Promise<unknown>,
  options: MeasureOptions,
): Promise<Samples> {
  const concurrency = options.concurrency ?? 1;
  const minCalls = options.minCalls ?? 1;
  const latenciesNs: number[] = [];
  let next = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(options.budgetMs * 1e6));
  const loop = async (): Promise<void> => {
    while (process.hrtime.bigint() < deadline || next < minCalls) {
      const call = next++;
      const t0 = process.hrtime.bigint();
      await op(call);
      latenciesNs.push(Number(process.hrtime.bigint() - t0));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return { latenciesNs, wallNs: Number(process.hrtime.bigint() - start) };
}
