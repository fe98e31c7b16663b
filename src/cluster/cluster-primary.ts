import cluster, { type Worker } from "node:cluster";
import { once } from "node:events";
import { logger } from "../core/logger.js";
import { loadDemoDataIfEmpty } from "../graphql/demo-data.js";
import type { ServerConfig } from "../server-config.js";
import { FeatureService } from "../service.js";
import { openStore } from "../store/open-store.js";
import { relayChanges } from "./cluster-change-feed.js";
import { isWorkerStartMessage } from "./cluster-worker.js";

/**
 * Runs `featurestore serve --workers N` (N > 1) in the primary process, which serves nothing
 * itself: it opens the store once (so migrations run once, and a store that cannot be opened
 * stops everything before any worker starts), forks N workers that share the port through
 * `node:cluster`, relays the changes of workers whose store has no feed across processes (see
 * `clusterChangeFeed`), loads the demo data once all listen (unless turned off), then logs
 * "listening". A worker that dies later is logged and replaced; SIGTERM or SIGINT drains every
 * worker (each as one process would drain) and exits 0, or 1 if a worker did not stop cleanly.
 * @throws the reason the store could not be opened or a worker could not start (the port in
 * use, ...), once every worker started has stopped.
 */
export async function runCluster(config: ServerConfig): Promise<void> {
  logger.level = config.logLevel;
  // Each worker accepts its own connections from the shared socket. In the default round-robin
  // mode the primary accepts them and hands each to a worker, keeping its own copy until the
  // worker acknowledges: a worker killed before that leaves the connection open in the primary,
  // served by no one, and its client waits forever.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  const store = await openStore(config.storeUrl);
  const workers = new Set<Worker>();
  let stopping = false;

  /** Forks a worker; resolves with its URL once it listens, rejects if it exits before. */
  const fork = (): Promise<{ url: string; pid: number | undefined }> => {
    const worker = cluster.fork();
    workers.add(worker);
    relayChanges(worker, () => workers);
    return new Promise((resolve, reject) => {
      let listening = false;
      let failure: string | undefined;
      worker.on("message", (message: unknown) => {
        if (!isWorkerStartMessage(message)) return;
        if (message.type === "featurestore:failed") failure = message.message;
        else {
          listening = true;
          resolve({ url: message.url, pid: worker.process.pid });
        }
      });
      worker.on("exit", (code: number | null, signal: string | null) => {
        workers.delete(worker);
        const pid = worker.process.pid;
        if (!listening) {
          reject(new Error(failure ?? `a worker exited while starting (${signal ?? `exit code ${code}`})`));
        } else if (!stopping) {
          logger.warn({ worker: pid, code, signal }, "a worker died; starting another");
          fork().then(
            (replacement) =>
              logger.info({ worker: replacement.pid, workers: workers.size }, "worker replaced"),
            (err: unknown) => {
              // A replacement that cannot start would fail again: stop rather than loop.
              logger.error({ err }, "a replacement worker could not start; stopping");
              void stop(1);
            },
          );
        }
      });
    });
  };

  /** Sends every worker SIGTERM and waits until all have exited. */
  const stopWorkers = async (): Promise<boolean> => {
    stopping = true;
    const exits = [...workers].map(async (worker) => {
      const exited = once(worker, "exit") as Promise<[number | null, string | null]>;
      worker.process.kill("SIGTERM");
      const [code] = await exited;
      return code === 0;
    });
    return (await Promise.all(exits)).every(Boolean);
  };

  let stopped: Promise<void> | undefined;
  const stop = (code: number) => {
    stopped ??= stopWorkers().then((clean) => {
      logger.info("stopped");
      process.exit(clean ? code : 1);
    });
    return stopped;
  };

  let url: string;
  try {
    const started = await Promise.all(Array.from({ length: config.workers }, fork));
    url = started[0]?.url ?? "";
    if (config.demoData) await loadDemoDataIfEmpty(new FeatureService(store));
  } catch (err) {
    await stopWorkers();
    throw err;
  } finally {
    await store.close();
  }
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal, workers: workers.size }, "shutting down");
    void stop(0);
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  logger.info({ url, workers: config.workers, backend: store.backend }, "listening");
}
