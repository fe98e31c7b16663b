import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** What the server process tells the benchmark. */
export type ServerMessage =
  | { readonly type: "ready"; readonly url: string; readonly pid: number }
  | { readonly type: "cpu"; readonly userMicros: number; readonly systemMicros: number }
  | { readonly type: "failed"; readonly message: string };

/** What the benchmark asks of the server process. */
export type ControlMessage = { readonly type: "cpu" } | { readonly type: "stop" };

/** How to start the server process. */
export interface ServerProcessOptions {
  /**
   * The store URL the server opens (`--store-url`); omitted, the framework floor
   * (`floor-server.ts`) starts instead, with no store at all.
   */
  readonly storeUrl?: string;
  /**
   * The project tree whose server runs (its `bench/lib/bench-server.ts`, from its own folder):
   * another checkout, to measure code before a change in the same run. Default: this one.
   */
  readonly root?: string;
  /** Entities the server process seeds before it reports ready. */
  readonly entities: number;
  /** Where `node --cpu-prof` writes the server's profile when it exits; no profile when unset. */
  readonly cpuProfileDir?: string;
  /** Run the server on this CPU only (`taskset -c`), so it never competes with the load generator. */
  readonly cpu?: number;
}

/** A running server process. */
export interface ServerProcess {
  /** The GraphQL endpoint. */
  readonly url: string;
  /** The server process's id. */
  readonly pid: number;
  /** CPU time the server process has used so far, in microseconds (user + system). */
  cpuMicros(): Promise<number>;
  /** Stops the server (its store closes, a CPU profile is written) and waits for the process to exit. */
  stop(): Promise<void>;
}

/** The module the child runs: bench-server.ts beside this file. */
const SERVER_MODULE = fileURLToPath(new URL("./bench-server.ts", import.meta.url));
/** The framework floor's module, beside this file. */
const FLOOR_MODULE = fileURLToPath(new URL("./floor-server.ts", import.meta.url));
/** The project root, where `--import tsx` finds tsx whatever folder the benchmark was started from. */
const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Waits for the next message of one type from the child, or fails when the child exits first. */
function nextMessage<T extends ServerMessage["type"]>(
  child: ChildProcess,
  type: T,
): Promise<Extract<ServerMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      reject(new Error(`server process exited (${child.signalCode ?? `code ${child.exitCode}`})`));
      return;
    }
    const onMessage = (message: ServerMessage) => {
      if (message.type === "failed") {
        cleanup();
        reject(new Error(`server process failed: ${message.message}`));
      } else if (message.type === type) {
        cleanup();
        resolve(message as Extract<ServerMessage, { type: T }>);
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      cleanup();
      reject(new Error(`server process exited (${signal ?? `code ${code}`}) before answering`));
    };
    const cleanup = () => {
      child.off("message", onMessage);
      child.off("exit", onExit);
    };
    child.on("message", onMessage);
    child.on("exit", onExit);
  });
}

/**
 * Starts the real server (`startServer` with a configuration read by `readServerConfig`) in a
 * process of its own, seeded with the benchmark data set, so the load generator in this process
 * never shares an event loop with it. Resolves once it listens and is seeded.
 */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const root = options.root ?? PROJECT_ROOT;
  const serverArgs =
    options.storeUrl === undefined
      ? [FLOOR_MODULE]
      : [
          options.root === undefined ? SERVER_MODULE : join(root, "bench/lib/bench-server.ts"),
          ...["--store-url", options.storeUrl, "--host", "127.0.0.1", "--port", "0"],
          // What a production deployment turns off; the demo data set would be written into the store.
          ...["--no-demo-data", "--no-graphiql", "--no-introspection", "--no-field-suggestions"],
        ];
  const nodeArgs = [
    "--import",
    "tsx",
    ...(options.cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDir}`] : []),
    ...serverArgs,
  ];
  const [command, args] =
    options.cpu === undefined
      ? [process.execPath, nodeArgs]
      : ["taskset", ["-c", String(options.cpu), process.execPath, ...nodeArgs]];
  const child = spawn(command, args, {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      FEATURESTORE_LOG_LEVEL: process.env.FEATURESTORE_LOG_LEVEL ?? "warn",
      BENCH_SERVER_ENTITIES: String(options.entities),
    },
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let ready: Extract<ServerMessage, { type: "ready" }>;
  try {
    ready = await nextMessage(child, "ready");
  } catch (err) {
    child.kill("SIGKILL");
    await exited;
    throw err;
  }
  // A child that is gone cannot be sent to; the caller learns it from nextMessage instead.
  const send = (message: ControlMessage) => {
    if (child.connected) child.send(message);
  };
  return {
    url: ready.url,
    pid: ready.pid,
    async cpuMicros() {
      const answer = nextMessage(child, "cpu");
      send({ type: "cpu" });
      const { userMicros, systemMicros } = await answer;
      return userMicros + systemMicros;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        send({ type: "stop" });
        // A server that does not stop in time is killed: the benchmark never leaves one behind.
        const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** Pins this process (every thread of it) to one CPU with `taskset`. */
export function pinThisProcess(cpu: number): void {
  execFileSync("taskset", ["-a", "-p", "-c", String(cpu), String(process.pid)], { stdio: "ignore" });
}
