import { type Summary, summarize } from "./stats.js";

/** Calls of one side in a row before the other side takes its turn. */
const BLOCK_CALLS = 200;

/** What {@link measurePaired} gives for each of the two operations. */
export interface PairedSide {
  readonly summary: Summary;
  /** CPU time of the process (user + system) per call, in nanoseconds. */
  readonly cpuNsPerCall: number;
}

/**
 * Times two operations against each other in alternating blocks of calls for `budgetMs`, so a
 * change in the machine's load (other processes on a shared machine) falls on both alike: the
 * ratio of the two is then worth more than either figure. Each call is timed with
 * `process.hrtime.bigint()`, each block's CPU time with `process.cpuUsage()`.
 */
export async function measurePaired(
  a: (call: number) => Promise<unknown>,
  b: (call: number) => Promise<unknown>,
  budgetMs: number,
): Promise<[PairedSide, PairedSide]> {
  const sides = [a, b].map((op) => ({ op, latenciesNs: [] as number[], cpuUs: 0, wallNs: 0 }));
  const deadline = process.hrtime.bigint() + BigInt(Math.round(budgetMs * 1e6));
  let call = 0;
  for (let block = 0; process.hrtime.bigint() < deadline || block < 2; block++) {
    const side = sides[block % 2] as (typeof sides)[number];
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    for (let i = 0; i < BLOCK_CALLS; i++) {
      const t0 = process.hrtime.bigint();
      await side.op(call++);
      side.latenciesNs.push(Number(process.hrtime.bigint() - t0));
    }
    side.wallNs += Number(process.hrtime.bigint() - start);
    const used = process.cpuUsage(cpu);
    side.cpuUs += used.user + used.system;
  }
  return sides.map((side) => ({
    summary: summarize({ latenciesNs: side.latenciesNs, wallNs: side.wallNs }),
    cpuNsPerCall: (side.cpuUs * 1000) / side.latenciesNs.length,
  })) as [PairedSide, PairedSide];
}
