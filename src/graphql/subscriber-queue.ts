/**
 * One subscriber's changes waiting to be read, as the async iterator a subscription resolver
 * returns. It holds at most `maxQueued` items: the subscriber that falls further behind than
 * that (a client that stopped reading, or reads slower than the writes come) is cut off instead
 * of holding ever more memory, and its stream ends with the error `overflow` makes. Pushing
 * never throws, so a publisher is never hurt by a slow subscriber.
 *
 * `return()` ends the stream at once, even while a `next()` is waiting for an item, so a client
 * that goes away frees its place without waiting for the next change; `onEnd` runs exactly once,
 * however the stream ends (the consumer stopped, the queue overflowed, or {@link end}).
 *
 * @example
 * ```ts
 * const queue = new SubscriberQueue<string>({ maxQueued: 100, overflow: () => new Error("too slow"), onEnd: stop });
 * const unlisten = source.listen((item) => queue.push(item));
 * for await (const item of queue) handle(item);
 * ```
 */
export class SubscriberQueue<T> implements AsyncIterableIterator<T> {
  private items: T[] = [];
  /** Index of the oldest unread item in {@link items}: shifting an array is O(n). */
  private head = 0;
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  private failWaiting: ((err: unknown) => void) | undefined;
  private failure: unknown;
  private ended = false;

  constructor(
    private readonly options: {
      /** The most items held before the stream is cut off. */
      maxQueued: number;
      /** The error the stream ends with when the queue overflows. */
      overflow: () => unknown;
      /** Runs once when the stream ends, however it ends: stop feeding it there. */
      onEnd: () => void;
    },
  ) {}

  /** Items waiting to be read. */
  get length(): number {
    return this.items.length - this.head;
  }

  /** True once the stream ended: pushes are ignored from then on. */
  get done(): boolean {
    return this.ended;
  }

  /** Hands an item to the waiting reader, or queues it; past the limit, ends the stream with the overflow error. */
  push(item: T): void {
    if (this.ended) return;
    const waiting = this.waiting;
    if (waiting) {
      this.clearWaiting();
      waiting({ done: false, value: item });
      return;
    }
    if (this.length >= this.options.maxQueued) {
      this.finish(this.options.overflow());
      return;
    }
    this.items.push(item);
  }

  /** Ends the stream now, dropping what is queued; the reader gets `error` once when given, else the end. */
  end(error?: unknown): void {
    if (!this.ended) this.finish(error);
  }

  /** The oldest unread item, waiting for one when none is queued; rejects once with the overflow error. */
  next(): Promise<IteratorResult<T>> {
    if (this.length > 0) {
      const value = this.items[this.head] as T;
      this.head++;
      if (this.head === this.items.length) {
        this.items = [];
        this.head = 0;
      } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      return Promise.resolve({ done: false, value });
    }
    if (this.failure !== undefined) {
      const failure = this.failure;
      this.failure = undefined;
      return Promise.reject(failure);
    }
    if (this.ended) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failWaiting = reject;
    });
  }

  /** The consumer stops: ends the stream now, dropping what is queued. */
  return(): Promise<IteratorResult<T>> {
    this.items = [];
    this.head = 0;
    this.failure = undefined;
    this.finish(undefined);
    return Promise.resolve({ done: true, value: undefined });
  }

  /** The queue is its own iterator, read once. */
  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Ends now: drops the queue, settles a waiting reader (with `error`, if any), runs onEnd once. */
  private finish(error: unknown): void {
    const wasEnded = this.ended;
    this.ended = true;
    this.items = [];
    this.head = 0;
    const [waiting, failWaiting] = [this.waiting, this.failWaiting];
    this.clearWaiting();
    if (error !== undefined) {
      if (failWaiting) failWaiting(error);
      else this.failure = error;
    } else {
      waiting?.({ done: true, value: undefined });
    }
    if (!wasEnded) this.options.onEnd();
  }

  private clearWaiting(): void {
    this.waiting = undefined;
    this.failWaiting = undefined;
  }
}
