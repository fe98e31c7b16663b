import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { FeatureService } from "../../src/service.js";
import { openStore } from "../../src/store/open-store.js";
import { seed } from "./dataset.js";
import type { ServerProcess } from "./server-process.js";

/** How to start `featurestore serve --workers N`. */
export interface WorkersServerOptions {
  /** The store URL the server opens; it is seeded before the server starts. */
  readonly storeUrl: string;
  /** Entities seeded into the store first. */
  readonly entities: number;
  /** Server processes (`--workers`). */
  readonly workers: number;
  /** The CPUs the server's processes may run on (`taskset -c`, e.g. `0` or `0-1`); any when unset. */
  readonly cpus?: string;
}

const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** Clock ticks per second of `/proc/<pid>/stat`'s CPU times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** User + system CPU time of one process so far, in microseconds (0 once it is gone). */
function processCpuMicros(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) in parentheses: utime is the 12th, stime the 13th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/**
 * Seeds the store in this process, then runs the real command, `featurestore serve --workers N`,
 * as a deployment would (production defaults, no demo data), so that one worker is the plain
 * single process and several are the `node:cluster` primary with its workers. CPU time is read
 * from `/proc` for the primary and every worker (to the 10 ms tick: use it over seconds).
 */
export async function startWorkersServer(options: WorkersServerOptions): Promise<ServerProcess> {
  const store = await openStore(options.storeUrl);
  try {
    await seed(new FeatureService(store), options.entities);
  } finally {
    await store.close();
  }
  const nodeArgs = ["--import", "tsx", "src/cli/main.ts", "serve", "--workers", String(options.workers)];
  nodeArgs.push("--store-url", options.storeUrl, "--host", "127.0.0.1", "--port", "0", "--no-demo-data");
  const [command, args] =
    options.cpus === undefined
      ? [process.execPath, nodeArgs]
      : ["taskset", ["-c", options.cpus, process.execPath, ...nodeArgs]];
  const child: ChildProcess = spawn(command, args, {
    cwd: PROJECT_ROOT,
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, NODE_ENV: "production", FEATURESTORE_LOG_LEVEL: "info" },
  });
  const pids = new Set<number>();
  const exited = once(child, "exit");
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = "";
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      buffered += chunk;
      for (let end = buffered.indexOf("\n"); end >= 0; end = buffered.indexOf("\n")) {
        const text = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        let line: { msg?: string; pid?: number; url?: string; level?: number };
        try {
          line = JSON.parse(text) as typeof line;
        } catch {
          process.stderr.write(`${text}\n`);
          continue;
        }
        if (line.pid !== undefined) pids.add(line.pid);
        if (line.msg === "listening" && line.url) resolve(line.url);
        else if ((line.level ?? 0) >= 40) process.stderr.write(`${text}\n`);
      }
    });
    exited.then(([code]) => reject(new Error(`the server exited (code ${String(code)}) before listening`)));
  });
  return {
    url,
    pid: child.pid ?? 0,
    cpuMicros: async () => [...pids].reduce((sum, pid) => sum + processCpuMicros(pid), 0),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
