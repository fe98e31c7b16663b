/**
 * What metrics and request logs cost a `vector` 1 x 50 read over HTTP: two server processes,
 * one with metrics on and request lines at info (JSON to stderr), one with both off
 * (`FEATURESTORE_METRICS=false`, level warn), loaded in alternating blocks so that the machine's
 * load drifts over both alike. Run `npm run bench:observability`; see bench/README.md.
 */
import autocannon from "autocannon";
import { entityId, FEATURE_NAMES } from "./lib/dataset.js";
import { loadAverage, machineLine } from "./lib/machine.js";
import { progress } from "./lib/progress.js";
import { type ServerProcess, startServerProcess } from "./lib/server-process.js";
import { summarize } from "./lib/stats.js";
import { formatDuration, markdownTable } from "./lib/table.js";

const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 6);
const BLOCK_SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 4);
const ENTITIES = 1000;

const QUERY = `query Vector($entityId: ID!, $featureNames: [String!]!) {
  vector(entityId: $entityId, featureNames: $featureNames) { entityId values }
}`;

/** What one variant gathered over its blocks. */
interface Tally {
  latenciesNs: number[];
  wallNs: number;
  cpuMicros: number;
  failed: number;
}

/** Starts a server with these settings on top of this process's environment. */
async function start(env: Record<string, string>): Promise<ServerProcess> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return await startServerProcess({ storeUrl: "memory://", entities: ENTITIES });
  } finally {
    process.env = saved;
  }
}

async function block(server: ServerProcess, tally: Tally): Promise<void> {
  const target = new URL(server.url);
  const requests = Array.from({ length: ENTITIES }, (_, i) => ({
    method: "POST" as const,
    path: target.pathname,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: QUERY, variables: { entityId: entityId(i), featureNames: FEATURE_NAMES } }),
  }));
  const cpuBefore = await server.cpuMicros();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: server.url,
        connections: CONNECTIONS,
        pipelining: 1,
        duration: BLOCK_SECONDS,
        requests,
        timeout: 10,
      },
      (err: unknown, res: autocannon.Result) => (err ? reject(err) : resolve(res)),
    );
    instance.on("response", (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) tally.latenciesNs.push(ms * 1e6);
      else tally.failed++;
    });
  });
  tally.cpuMicros += (await server.cpuMicros()) - cpuBefore;
  tally.wallNs += result.duration * 1e9;
  tally.failed += result.errors;
}

async function main(): Promise<void> {
  const loadAtStart = loadAverage();
  progress("starting the two servers");
  const without = await start({ FEATURESTORE_METRICS: "false", FEATURESTORE_LOG_LEVEL: "warn" });
  const withBoth = await start({ FEATURESTORE_METRICS: "true", FEATURESTORE_LOG_LEVEL: "info" });
  const tallies = new Map<ServerProcess, Tally>([
    [without, { latenciesNs: [], wallNs: 0, cpuMicros: 0, failed: 0 }],
    [withBoth, { latenciesNs: [], wallNs: 0, cpuMicros: 0, failed: 0 }],
  ]);
  try {
    for (let i = 0; i < BLOCKS; i++) {
      // Alternate which goes first, so neither always follows the other's load.
      const order = i % 2 === 0 ? [without, withBoth] : [withBoth, without];
      for (const server of order) {
        progress(`block ${i + 1}/${BLOCKS}: ${server === without ? "without" : "with"}`);
        await block(server, tallies.get(server) as Tally);
      }
    }
  } finally {
    await Promise.all([without.stop(), withBoth.stop()]);
  }
  const rows = [...tallies].map(([server, tally]) => {
    const summary = summarize({ latenciesNs: tally.latenciesNs, wallNs: tally.wallNs });
    return {
      name:
        server === without ? "without (metrics off, level warn)" : "with (metrics on, request lines at info)",
      summary,
      cpuPerRequest: tally.cpuMicros / tally.latenciesNs.length,
      failed: tally.failed,
    };
  });
  const [a, b] = rows as [(typeof rows)[0], (typeof rows)[0]];
  console.log(machineLine());
  console.log(
    `${BLOCKS} alternating blocks of ${BLOCK_SECONDS} s each at ${CONNECTIONS} connections; load average ${loadAtStart} at the start, ${loadAverage()} at the end\n`,
  );
  console.log(
    markdownTable(
      [
        { title: "server" },
        { title: "req/s", align: "right" },
        { title: "p50", align: "right" },
        { title: "p99", align: "right" },
        { title: "server CPU/req", align: "right" },
        { title: "requests", align: "right" },
        { title: "failed", align: "right" },
      ],
      rows.map((r) => [
        r.name,
        r.summary.opsPerSec.toFixed(0),
        formatDuration(r.summary.p50Ns),
        formatDuration(r.summary.p99Ns),
        formatDuration(r.cpuPerRequest * 1000),
        String(r.summary.count),
        String(r.failed),
      ]),
    ),
  );
  console.log(
    `\nwith / without: CPU per request ${(b.cpuPerRequest / a.cpuPerRequest).toFixed(3)}x, p50 ${(b.summary.p50Ns / a.summary.p50Ns).toFixed(3)}x, p99 ${(b.summary.p99Ns / a.summary.p99Ns).toFixed(3)}x`,
  );
}

await main();
