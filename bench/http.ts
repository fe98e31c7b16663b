/**
 * HTTP load test of the GraphQL API: the real server, in a process of its own, under autocannon
 * in this process. Run `npm run bench:http -- [store URL ...]`; see bench/README.md.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { entityId, FEATURE_NAMES } from "./lib/dataset.js";
import { dropNamespace } from "./lib/drop-namespace.js";
import { describeMachine, loadAverage, machineLine } from "./lib/machine.js";
import { progress } from "./lib/progress.js";
import { pinThisProcess, type ServerProcess, startServerProcess } from "./lib/server-process.js";
import { type Summary, summarize } from "./lib/stats.js";
import { displayUrl, expandUrl, storeUrls } from "./lib/store-urls.js";
import { formatDuration, formatRate, markdownTable } from "./lib/table.js";
import { startWorkersServer } from "./lib/workers-server-process.js";

/** Every backend, each in a scratch namespace the run drops when it is done. */
const DEFAULT_URLS = [
  "memory://",
  "sqlite://{tmp}/bench.db",
  "redis://127.0.0.1:6379/0?namespace=bench_http_{pid}",
  "redis+cluster://127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002/?namespace=bench_http_{pid}",
  "postgres://postgres@127.0.0.1:5432/test?namespace=bench_http_{pid}",
];

/** A comma- or space-separated list from the environment, else the default. */
function listSetting(name: string, fallback: readonly string[]): string[] {
  const items = (process.env[name] ?? "").split(/[\s,]+/).filter((s) => s !== "");
  return items.length > 0 ? items : [...fallback];
}

/** Seconds each row keeps the load on (after its warm-up). */
const ROW_SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
/** Seconds of unmeasured load before each row, at the row's own concurrency. */
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 1);
/**
 * Rounds of every row (`BENCH_ROUNDS`): each round runs each query and concurrency against every
 * server in turn, so a row and the floor's row it is compared with run seconds apart however
 * the machine's load drifts; the table shows, per row, the round with the median req/s.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
/** Connections the rows are run with, each one request at a time (no pipelining). */
const CONNECTIONS = listSetting("BENCH_CONNECTIONS", ["1", "4", "16"]).map(Number);
/** The concurrency the aims are judged at: "moderate load". */
const MODERATE = Number(process.env.BENCH_MODERATE_CONNECTIONS ?? 4);
/** Entities the server seeds with the 50 features. */
const ENTITIES = Number(process.env.BENCH_ENTITIES ?? 1000);
/** Entities per `vectors` request. */
const BATCH_ENTITIES = 100;
/** Distinct `vector` request bodies: each connection cycles through them, so reads spread over entities. */
const VECTOR_BODIES = Math.min(ENTITIES, 1000);

/**
 * Server process counts to compare (`BENCH_WORKERS=1,2`): each store is then served by the real
 * command, `featurestore serve --workers N`, once per count. Unset, the server runs in the
 * benchmark's own server process as before.
 */
const WORKERS = listSetting("BENCH_WORKERS", []).map(Number);
/** The CPUs the server's processes may use with `BENCH_WORKERS` (`taskset -c`), e.g. `0-1`. */
const SERVER_CPUS = process.env.BENCH_SERVER_CPUS || undefined;

/** The queries measured, by name; `BENCH_QUERIES` picks some of them. */
const QUERY_NAMES = ["trivial", "vector", "vectors"] as const;
type QueryName = (typeof QUERY_NAMES)[number];
const QUERIES = listSetting("BENCH_QUERIES", QUERY_NAMES) as QueryName[];

/** The CSRF-safe content type: yoga's CSRF prevention rejects a simple (unpreflighted) request. */
const HEADERS = { "content-type": "application/json" };

/** A query and the request bodies that exercise it. */
interface Workload {
  readonly name: QueryName;
  /** What the table calls it. */
  readonly label: string;
  /** The request bodies; autocannon cycles through them on every connection. */
  readonly bodies: readonly string[];
  /** Checks one response before the load starts, so the figures are for correct answers. */
  check(body: string, response: unknown): string | undefined;
}

const VECTOR_QUERY = `query Vector($entityId: ID!, $featureNames: [String!]!) {
  vector(entityId: $entityId, featureNames: $featureNames) { entityId values }
}`;
const VECTORS_QUERY = `query Vectors($entityIds: [ID!]!, $featureNames: [String!]!) {
  vectors(entityIds: $entityIds, featureNames: $featureNames) { entityId values }
}`;

interface VectorData {
  readonly entityId: string;
  readonly values: Record<string, unknown>;
}

/** Why a served vector is not the one asked for, or `undefined` when it is. */
function vectorProblem(vector: VectorData | undefined, expectedId: string): string | undefined {
  if (vector?.entityId !== expectedId) return `expected entity ${expectedId}, got ${vector?.entityId}`;
  const served = Object.keys(vector.values ?? {}).length;
  return served === FEATURE_NAMES.length
    ? undefined
    : `expected ${FEATURE_NAMES.length} values, got ${served}`;
}

function workloads(): Workload[] {
  const all: Workload[] = [
    {
      name: "trivial",
      label: "{ __typename }",
      bodies: [JSON.stringify({ query: "{ __typename }" })],
      check: (_body, response) =>
        (response as { data?: { __typename?: string } }).data?.__typename === "Query"
          ? undefined
          : "no __typename",
    },
    {
      name: "vector",
      label: `vector (1 x ${FEATURE_NAMES.length})`,
      bodies: Array.from({ length: VECTOR_BODIES }, (_, i) =>
        JSON.stringify({
          query: VECTOR_QUERY,
          variables: { entityId: entityId(i), featureNames: FEATURE_NAMES },
        }),
      ),
      check: (body, response) =>
        vectorProblem(
          (response as { data?: { vector?: VectorData } }).data?.vector,
          (JSON.parse(body) as { variables: { entityId: string } }).variables.entityId,
        ),
    },
    {
      name: "vectors",
      label: `vectors (${BATCH_ENTITIES} x ${FEATURE_NAMES.length})`,
      bodies: Array.from({ length: Math.max(1, Math.floor(ENTITIES / BATCH_ENTITIES)) }, (_, b) =>
        JSON.stringify({
          query: VECTORS_QUERY,
          variables: {
            entityIds: Array.from({ length: BATCH_ENTITIES }, (_, i) =>
              entityId((b * BATCH_ENTITIES + i) % ENTITIES),
            ),
            featureNames: FEATURE_NAMES,
          },
        }),
      ),
      check: (body, response) => {
        const { entityIds } = (JSON.parse(body) as { variables: { entityIds: string[] } }).variables;
        const vectors = (response as { data?: { vectors?: VectorData[] } }).data?.vectors ?? [];
        if (vectors.length !== entityIds.length)
          return `expected ${entityIds.length} vectors, got ${vectors.length}`;
        for (const [i, id] of entityIds.entries()) {
          const problem = vectorProblem(vectors[i], id);
          if (problem) return problem;
        }
        return undefined;
      },
    },
  ];
  return all.filter((w) => QUERIES.includes(w.name));
}

/**
 * Sends every body once and checks the answer: a benchmark of error responses measures nothing.
 * Returns each body's `data`, as JSON text, in body order.
 */
async function preflight(url: string, workload: Workload): Promise<string[]> {
  const answers: string[] = [];
  for (const body of workload.bodies) {
    const response = await fetch(url, { method: "POST", headers: HEADERS, body });
    const text = await response.text();
    let problem: string | undefined;
    try {
      const parsed = JSON.parse(text) as { errors?: unknown; data?: unknown };
      problem = parsed.errors ? JSON.stringify(parsed.errors) : workload.check(body, parsed);
      answers.push(JSON.stringify(parsed.data));
    } catch {
      problem = "the answer is not JSON";
    }
    if (response.status !== 200 || problem) {
      throw new Error(`${workload.label}: HTTP ${response.status}, ${problem ?? text.slice(0, 300)}`);
    }
  }
  return answers;
}

/** The floor's answers to every body of each query: what every server must answer too. */
const floorAnswers = new Map<QueryName, string[]>();

/** Checks a server's answers against the floor's, which are recorded when the floor is the one checked. */
function sameAsFloor(workload: Workload, answers: readonly string[], isFloor: boolean): void {
  if (isFloor) {
    floorAnswers.set(workload.name, [...answers]);
    return;
  }
  const expected = floorAnswers.get(workload.name);
  if (!expected) return;
  const differs = answers.findIndex((a, i) => a !== expected[i]);
  if (differs >= 0) {
    throw new Error(
      `${workload.label}: body ${differs} is answered differently from the floor: ${answers[differs]?.slice(0, 200)} vs ${expected[differs]?.slice(0, 200)}`,
    );
  }
}

/** One load run's figures. */
interface LoadResult {
  readonly summary: Summary;
  /** Responses that were not 2xx, plus connection errors and timeouts. */
  readonly failed: number;
  /** CPU time the server used per successful request, in microseconds. */
  readonly serverCpuMicrosPerRequest: number;
  /** The server's CPU time over the wall time: 1.0 is one core kept busy. */
  readonly serverCores: number;
  /** The same for this process, the load generator: near 1.0, it may be what limits req/s. */
  readonly clientCores: number;
}

/**
 * Runs autocannon against the server for `seconds`. Latencies are taken from autocannon's
 * `response` events (its own per-request `process.hrtime` timing, to the nanosecond), because
 * its latency histogram rounds to whole milliseconds, too coarse for sub-millisecond requests.
 */
async function load(
  server: ServerProcess,
  workload: Workload,
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  const target = new URL(server.url);
  const requests: autocannon.Request[] = workload.bodies.map((body) => ({
    method: "POST",
    path: target.pathname,
    headers: HEADERS,
    body,
  }));
  const latenciesNs: number[] = [];
  let failedResponses = 0;
  const cpuBefore = await server.cpuMicros();
  const clientBefore = process.cpuUsage();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url: server.url, connections, pipelining: 1, duration: seconds, requests, timeout: 10 },
      (err: unknown, res: autocannon.Result) => (err ? reject(err) : resolve(res)),
    );
    instance.on("response", (_client, statusCode, _bytes, responseTimeMs) => {
      if (statusCode >= 200 && statusCode < 300) latenciesNs.push(responseTimeMs * 1e6);
      else failedResponses++;
    });
  });
  const client = process.cpuUsage(clientBefore);
  const cpuUsed = (await server.cpuMicros()) - cpuBefore;
  const wallNs = result.duration * 1e9;
  return {
    summary: summarize({ latenciesNs, wallNs }),
    failed: failedResponses + result.errors,
    serverCpuMicrosPerRequest: latenciesNs.length > 0 ? cpuUsed / latenciesNs.length : Number.NaN,
    serverCores: (cpuUsed * 1e3) / wallNs,
    clientCores: ((client.user + client.system) * 1e3) / wallNs,
  };
}

/** One row of the results table. */
interface Row {
  readonly backend: string;
  readonly query: QueryName;
  readonly label: string;
  readonly connections: number;
  readonly result: LoadResult;
}

/** A started, seeded server and what its rows are called. */
interface Running {
  readonly label: string;
  readonly server: ServerProcess;
}

/** Checks every workload's bodies against one server before any load, so the figures are for correct answers. */
async function checkServer({ server, label }: Running): Promise<void> {
  for (const workload of workloads()) {
    progress(`${label}: checking ${workload.bodies.length} ${workload.label} bodies`);
    sameAsFloor(workload, await preflight(server.url, workload), label === FLOOR);
  }
}

/**
 * Every row, {@link ROUNDS} times: connection counts outermost, then queries, then servers, so the
 * rows compared with each other (a store's and the floor's, at the same query and load) run one
 * right after the other. Each row is the round with the median req/s.
 */
async function benchServers(servers: readonly Running[]): Promise<Row[]> {
  const loads = workloads();
  const rounds = new Map<string, Row[]>();
  for (let round = 1; round <= ROUNDS; round++) {
    for (const connections of CONNECTIONS) {
      for (const workload of loads) {
        for (const { server, label } of servers) {
          progress(`round ${round}/${ROUNDS}: ${label}: ${workload.label}, ${connections} conns`);
          if (WARMUP_SECONDS > 0) await load(server, workload, connections, WARMUP_SECONDS);
          const result = await load(server, workload, connections, ROW_SECONDS);
          const key = JSON.stringify([label, workload.name, connections]);
          const row = { backend: label, query: workload.name, label: workload.label, connections, result };
          rounds.set(key, [...(rounds.get(key) ?? []), row]);
        }
      }
    }
  }
  return [...rounds.values()].map((rows) => {
    const sorted = [...rows].sort((a, b) => a.result.summary.opsPerSec - b.result.summary.opsPerSec);
    return sorted[Math.floor((sorted.length - 1) / 2)] as Row;
  });
}

/** A row's req/s over the floor's for the same query at the same concurrency, e.g. `0.71x`. */
function floorRatio(rows: readonly Row[], row: Row): string {
  const floor = rows.find(
    (r) => r.backend === FLOOR && r.query === row.query && r.connections === row.connections,
  );
  return floor ? `${(row.result.summary.opsPerSec / floor.result.summary.opsPerSec).toFixed(2)}x` : "n/a";
}

function resultsTable(rows: readonly Row[]): string {
  // Stores in the order measured, then each query's rows by rising load.
  const stores = rows.map((r) => r.backend).filter((b, i, all) => all.indexOf(b) === i);
  const sorted = [...rows].sort(
    (a, b) =>
      stores.indexOf(a.backend) - stores.indexOf(b.backend) ||
      QUERY_NAMES.indexOf(a.query) - QUERY_NAMES.indexOf(b.query) ||
      a.connections - b.connections,
  );
  return markdownTable(
    [
      { title: "store" },
      { title: "query" },
      { title: "conns", align: "right" },
      { title: "req/s", align: "right" },
      { title: "x floor", align: "right" },
      { title: "p50", align: "right" },
      { title: "p99", align: "right" },
      { title: "server CPU/req", align: "right" },
      { title: "server cores", align: "right" },
      { title: "client cores", align: "right" },
      { title: "requests", align: "right" },
      { title: "failed", align: "right" },
    ],
    sorted.map((r) => [
      r.backend,
      r.label,
      String(r.connections),
      formatRate(r.result.summary.opsPerSec),
      floorRatio(rows, r),
      formatDuration(r.result.summary.p50Ns),
      formatDuration(r.result.summary.p99Ns),
      formatDuration(r.result.serverCpuMicrosPerRequest * 1e3),
      r.result.serverCores.toFixed(2),
      r.result.clientCores.toFixed(2),
      String(r.result.summary.count),
      String(r.result.failed),
    ]),
  );
}

/**
 * The kind of store a row's label names, by the scheme of the URL in it (`memory://`,
 * `before: sqlite://...`), for the aims: a Redis Cluster (`redis+cluster://`, `rediss+cluster://`)
 * is held to Redis's aims, a TLS scheme to its plain one's.
 */
function storeKind(label: string): "memory" | "sqlite" | "redis" | "postgres" {
  const scheme = /([a-z][a-z0-9+.-]*):\/\//i.exec(label)?.[1]?.toLowerCase() ?? "";
  if (scheme === "sqlite") return "sqlite";
  if (scheme.startsWith("redis")) return "redis";
  if (scheme.startsWith("postgres")) return "postgres";
  return "memory";
}

/** The share of the floor's req/s a 100 x 50 `vectors` read should reach, by kind of store. */
const VECTORS_SHARE_AIM = { memory: 0.8, sqlite: 0.6, redis: 0.5, postgres: 0.35 } as const;

/** The p99 of a 100 x 50 `vectors` read at moderate load should stay under this, in ms. */
const VECTORS_P99_AIM_MS = { memory: 15, sqlite: 15, redis: 20, postgres: 20 } as const;

/** One aim: what is measured on a row set, shown how, and whether it passes. */
interface Aim {
  readonly title: string;
  /**
   * The measured figure at one concurrency, or `undefined` when a needed row is missing; `floor`
   * gives the framework floor's row of a query at the same concurrency.
   */
  measure(
    at: (query: QueryName) => LoadResult | undefined,
    floor: (query: QueryName) => LoadResult | undefined,
  ): number | undefined;
  format(value: number): string;
  met(value: number): boolean;
}

/** The share of the floor's req/s a query reaches. */
function shareOfFloor(
  query: QueryName,
  at: (query: QueryName) => LoadResult | undefined,
  floor: (query: QueryName) => LoadResult | undefined,
): number | undefined {
  const ours = at(query);
  const theirs = floor(query);
  return ours && theirs ? ours.summary.opsPerSec / theirs.summary.opsPerSec : undefined;
}

function aims(backend: string): Aim[] {
  const share = VECTORS_SHARE_AIM[storeKind(backend)];
  const p99Ms = VECTORS_P99_AIM_MS[storeKind(backend)];
  const ratio = (value: number) => `${value.toFixed(2)}x`;
  return [
    {
      title: "vector req/s >= 1.0x floor",
      measure: (at, floor) => shareOfFloor("vector", at, floor),
      format: ratio,
      met: (value) => value >= 1,
    },
    {
      title: `vectors req/s >= ${share}x floor`,
      measure: (at, floor) => shareOfFloor("vectors", at, floor),
      format: ratio,
      met: (value) => value >= share,
    },
    {
      title: `vectors p99 < ${p99Ms} ms`,
      measure: (at) => at("vectors")?.summary.p99Ns,
      format: formatDuration,
      met: (p99) => p99 < p99Ms * 1e6,
    },
  ];
}

/**
 * The aims of each store at every concurrency measured; the verdict is the one at
 * {@link MODERATE} connections, the load the aims are stated for.
 */
function aimsTable(rows: readonly Row[]): string | undefined {
  const backends = rows.map((r) => r.backend).filter((b, i, all) => b !== FLOOR && all.indexOf(b) === i);
  const find = (backend: string, query: QueryName, connections: number) =>
    rows.find((r) => r.backend === backend && r.query === query && r.connections === connections)?.result;
  const lines = backends.flatMap((backend) =>
    aims(backend).flatMap((aim) => {
      const figures = CONNECTIONS.map((connections) =>
        aim.measure(
          (query) => find(backend, query, connections),
          (query) => find(FLOOR, query, connections),
        ),
      );
      if (figures.every((f) => f === undefined)) return [];
      const moderate = figures[CONNECTIONS.indexOf(MODERATE)];
      const verdict = moderate === undefined ? "n/a" : aim.met(moderate) ? "met" : "missed";
      return [
        [backend, aim.title, ...figures.map((f) => (f === undefined ? "n/a" : aim.format(f))), verdict],
      ];
    }),
  );
  if (lines.length === 0) return undefined;
  return markdownTable(
    [
      { title: "store" },
      { title: "aim" },
      ...CONNECTIONS.map((c) => ({ title: `${c} conns`, align: "right" as const })),
      { title: `at ${MODERATE} conns` },
    ],
    lines,
  );
}

/** What the framework floor is called in the tables. */
const FLOOR = "floor: yoga + Map";
/**
 * Another checkout (e.g. a worktree at the main branch) whose server is measured beside this
 * one's on every store, in the same run: the "before" of a change.
 */
const BASELINE_ROOT = process.env.BENCH_BASELINE || undefined;

/** A server to measure: the floor, or the real server over one store, from this tree or the baseline. */
interface Target {
  readonly label: string;
  /** Undefined for the floor. */
  readonly storeUrl?: string;
  readonly root?: string;
  /** Served by `featurestore serve --workers N` (BENCH_WORKERS); undefined for the bench server. */
  readonly workers?: number;
}

/**
 * The floor first (every other row's ratio is to it), then each store, the baseline's server
 * right before this tree's, each with a store of its own.
 */
function targets(templates: readonly string[], tmp: string): Target[] {
  const list: Target[] = [{ label: FLOOR }];
  for (const template of templates) {
    const backend = displayUrl(template);
    if (BASELINE_ROOT) {
      list.push({
        label: `before: ${backend}`,
        storeUrl: expandUrl(
          template.replaceAll("{tmp}/", "{tmp}/before-").replaceAll("{pid}", "{pid}_before"),
          tmp,
        ),
        root: BASELINE_ROOT,
      });
    }
    if (WORKERS.length === 0) {
      list.push({ label: backend, storeUrl: expandUrl(template, tmp) });
      continue;
    }
    // A memory store lives in one process: it cannot have several.
    for (const workers of WORKERS.filter((w) => w === 1 || !template.startsWith("memory:"))) {
      list.push({
        label: `${backend}, ${workers} worker${workers > 1 ? "s" : ""}`,
        storeUrl: expandUrl(template.replaceAll("{pid}", `{pid}_w${workers}`), tmp),
        workers,
      });
    }
  }
  return list;
}

/** Drops the scratch namespace of a target's store, if it has one, saying so. */
async function dropTarget(target: Target): Promise<void> {
  if (target.storeUrl === undefined) return;
  const dropped = await dropNamespace(target.storeUrl).catch(
    (err: unknown) => `nothing (drop failed: ${String(err)})`,
  );
  if (dropped) progress(`${target.label}: dropped ${dropped}`);
}

async function main(): Promise<void> {
  const pin = process.env.BENCH_PIN === "1";
  // Before pinning, which would make this process see a single core.
  const machine = describeMachine();
  // The load generator on CPU 1, the server on CPU 0: neither steals the other's core.
  if (pin) pinThisProcess(1);
  const cpuProfileDir = process.env.BENCH_CPU_PROF || undefined;
  const tmp = mkdtempSync(join(tmpdir(), "featurestore-bench-http-"));
  const rows: Row[] = [];
  const failures: string[] = [];
  const loadBefore = loadAverage();
  const running: (Running & { readonly target: Target })[] = [];
  try {
    for (const target of targets(storeUrls(DEFAULT_URLS), tmp)) {
      let server: ServerProcess | undefined;
      try {
        progress(`${target.label}: starting the server, seeding ${ENTITIES} entities`);
        server =
          target.workers === undefined || target.storeUrl === undefined
            ? await startServerProcess({
                storeUrl: target.storeUrl,
                root: target.root,
                entities: ENTITIES,
                cpuProfileDir,
                cpu: pin ? 0 : undefined,
              })
            : await startWorkersServer({
                storeUrl: target.storeUrl,
                entities: ENTITIES,
                workers: target.workers,
                cpus: SERVER_CPUS,
              });
        progress(`${target.label}: server ${server.pid} at ${server.url}`);
        await checkServer({ label: target.label, server });
        running.push({ label: target.label, server, target });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        failures.push(`${target.label}: ${message}`);
        progress(`${target.label} failed: ${message}`);
        await server?.stop();
        await dropTarget(target);
      }
    }
    rows.push(...(await benchServers(running)));
  } finally {
    for (const { server, target } of running) {
      await server.stop();
      await dropTarget(target);
    }
    rmSync(tmp, { recursive: true, force: true });
  }
  const aims = aimsTable(rows);
  const lines = [
    `${machineLine(machine)}; ${ROW_SECONDS} s per row after ${WARMUP_SECONDS} s warm-up, ` +
      `no pipelining, ${ENTITIES} entities seeded` +
      (ROUNDS > 1 ? `, ${ROUNDS} interleaved rounds (the round with the median req/s shown)` : "") +
      (pin ? ", server pinned to CPU 0 and load generator to CPU 1" : "") +
      (WORKERS.length > 0 ? `, server processes on CPUs ${SERVER_CPUS ?? "any"}` : "") +
      `; load average (1/5/15 min) ${loadBefore} at the start, ${loadAverage()} at the end`,
    "",
    resultsTable(rows),
    ...(aims ? ["", aims] : []),
    ...(cpuProfileDir ? ["", `server CPU profiles: ${cpuProfileDir}`] : []),
    ...failures.map((f) => `\nnot measured: ${f}`),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  if (failures.length > 0) process.exitCode = 1;
}

await main();
