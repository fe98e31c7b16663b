import { logger } from "../../core/logger.js";
import type { ValueChange } from "./change-feed.js";

/** Called with each change a pubsub hears. */
export type ChangeListener = (change: ValueChange) => void;

/**
 * The listeners of one pubsub, and the one way changes reach them. A listener that throws is
 * logged and skipped: it must neither stop the listeners after it nor escape into the publisher
 * (a mutation that already wrote) or a transport's event loop (where it would end the process).
 */
export class ChangeListeners {
  private readonly listeners = new Set<ChangeListener>();

  /** @param transport names the pubsub in the log; read when a listener fails, as a subclass sets it late. */
  constructor(private readonly transport: () => string) {}

  /** Adds a listener; the returned function removes it (calling it twice is harmless). */
  add(listener: ChangeListener): () => void {
    // A wrapper per call, so the same function added twice is two listeners removed one at a time.
    const entry: ChangeListener = (change) => listener(change);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  /** How many listeners there are. */
  get size(): number {
    return this.listeners.size;
  }

  /** Hands a change to every listener present when it arrives. Never throws. */
  deliver(change: ValueChange): void {
    // A listener may remove itself (or another) while the change is delivered: iterate a copy.
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch (err) {
        logger.warn({ transport: this.transport(), err }, "a change listener failed");
      }
    }
  }
}
