import type { Worker } from "node:cluster";
import type { ChangeFeed } from "../store/changes/change-feed.js";
import { ChangeListeners } from "../store/changes/change-listeners.js";
import { decodeChange, encodeChange } from "../store/changes/change-message.js";

/**
 * The longest change message sent between processes: a larger value travels as key and
 * version, and subscribers read it back from the store (as over Redis or PostgreSQL).
 */
const MAX_MESSAGE_BYTES = 1024 * 1024;

/** A change as it travels over the cluster's IPC channels: encoded by `encodeChange`. */
interface ChangeMessage {
  readonly type: "featurestore:change";
  readonly change: string;
}

const ignore = () => {};

function isChangeMessage(message: unknown): message is ChangeMessage {
  const m = message as Partial<ChangeMessage> | null;
  return (
    typeof m === "object" && m !== null && m.type === "featurestore:change" && typeof m.change === "string"
  );
}

/**
 * The change feed of a worker whose store has no feed of its own across processes (SQLite): a
 * published change goes to the primary over IPC, which sends it to every worker, this one
 * included (see {@link relayChanges}); each worker hands what it hears to its own listeners. So
 * every subscriber hears each change once, whichever worker took the write, in the order the
 * primary relayed them. A change published while the channel is gone (the primary has died,
 * and the worker with it) is dropped.
 */
export function clusterChangeFeed(): ChangeFeed {
  const listeners = new ChangeListeners(() => "cluster");
  const onMessage = (message: unknown) => {
    if (!isChangeMessage(message)) return;
    const change = decodeChange(message.change);
    if (change) listeners.deliver(change);
  };
  process.on("message", onMessage);
  return {
    pubsub: {
      publish(_topic, change) {
        const encoded = encodeChange(change, MAX_MESSAGE_BYTES);
        if (encoded === undefined || !process.connected || !process.send) return;
        // With a callback, a channel that closes meanwhile is an ignored error, not an 'error' event.
        process.send(
          { type: "featurestore:change", change: encoded } satisfies ChangeMessage,
          undefined,
          {},
          ignore,
        );
      },
      listen: (_topic, listener) => listeners.add(listener),
    },
    transport: "cluster",
    get connected() {
      return process.connected;
    },
    close: async () => {
      process.off("message", onMessage);
    },
  };
}

/**
 * In the primary: sends every change `worker` publishes to every worker still connected
 * (`workers()`), the sender included, so that each hears it exactly once.
 */
export function relayChanges(worker: Worker, workers: () => Iterable<Worker>): void {
  worker.on("message", (message: unknown) => {
    if (!isChangeMessage(message)) return;
    for (const peer of workers()) if (peer.isConnected()) peer.send(message, undefined, {}, ignore);
  });
}
