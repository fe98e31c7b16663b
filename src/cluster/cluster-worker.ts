import cluster from "node:cluster";
import type { RequestListener } from "node:http";
import { runServer } from "../server.js";
import type { ServerConfig } from "../server-config.js";

/** The response header naming the worker process (its pid) that answered, when there are several. */
export const WORKER_HEADER = "x-featurestore-worker";

/** What a worker tells the primary about its start: listening at `url`, or failed with `message`. */
export type WorkerStartMessage =
  | { readonly type: "featurestore:listening"; readonly url: string }
  | { readonly type: "featurestore:failed"; readonly message: string };

/** Whether an IPC message is a {@link WorkerStartMessage}. */
export function isWorkerStartMessage(message: unknown): message is WorkerStartMessage {
  const type = (message as { type?: unknown } | null)?.type;
  return type === "featurestore:listening" || type === "featurestore:failed";
}

/** Whether this process is one of several serving the port (a `node:cluster` worker). */
export const isWorker = (): boolean => cluster.isWorker;

/** Adds {@link WORKER_HEADER} to every response of `handler`, so a client can tell the workers apart. */
export function namingWorker(handler: RequestListener): RequestListener {
  const pid = String(process.pid);
  return (request, response) => {
    response.setHeader(WORKER_HEADER, pid);
    handler(request, response);
  };
}

/**
 * Runs one worker of `featurestore serve --workers N` (see `runCluster`): the server, as one
 * process would run it, minus the demo data the primary loads once. Its start is reported to
 * the primary, which says why a start failed (on one line, as the command does): the worker
 * itself prints nothing and exits 1.
 */
export async function runWorker(config: ServerConfig): Promise<void> {
  const report = (message: WorkerStartMessage) =>
    new Promise<void>((resolve) => {
      if (!process.send) return resolve();
      process.send(message, undefined, {}, () => resolve());
    });
  try {
    const running = await runServer({ ...config, demoData: false });
    await report({ type: "featurestore:listening", url: running.url });
  } catch (err) {
    await report({ type: "featurestore:failed", message: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  }
}
