import type { StoreBackend } from "./backend.js";

/**
 * Hears what a store does, for metrics: each backend call with its latency, and each value
 * stored. Observers must be cheap and must not throw: they run on the store's hot path.
 */
export interface StoreObserver {
  /** A backend call (`readCurrent`, `appendEntries`, ...) ended after `seconds`; `ok` is false when it failed. */
  backendCall?(backend: string, method: string, seconds: number, ok: boolean): void;
  /** `count` values were stored by one write. */
  valuesWritten?(count: number): void;
}

/**
 * The observers of one store, and the backend as the core calls it: each of its methods that
 * returns a promise is timed once here, whichever backend it is, so no backend measures itself.
 * With no observer, a call costs one property lookup more than a direct one.
 */
export class StoreObservers {
  private readonly observers = new Set<StoreObserver>();

  /** Adds an observer; returns the function that removes it. */
  add(observer: StoreObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /** Tells the observers that `count` values were stored. */
  valuesWritten(count: number): void {
    for (const observer of this.observers) observer.valuesWritten?.(count);
  }

  /** The backend with every asynchronous method timed for the observers. */
  observe(backend: StoreBackend): StoreBackend {
    const wrapped = new Map<PropertyKey, unknown>();
    return new Proxy(backend, {
      get: (target, key) => {
        const member: unknown = Reflect.get(target, key);
        if (typeof member !== "function") return member;
        let timed = wrapped.get(key);
        if (!timed) {
          timed = this.timed(target, String(key), member as (...args: unknown[]) => unknown);
          wrapped.set(key, timed);
        }
        return timed;
      },
    });
  }

  private timed(
    target: StoreBackend,
    method: string,
    fn: (...args: unknown[]) => unknown,
  ): (...args: unknown[]) => unknown {
    return (...args) => {
      if (this.observers.size === 0) return fn.apply(target, args);
      const start = performance.now();
      const result = fn.apply(target, args);
      if (!(result instanceof Promise)) return result;
      const report = (ok: boolean) => {
        const seconds = (performance.now() - start) / 1000;
        for (const observer of this.observers) observer.backendCall?.(target.name, method, seconds, ok);
      };
      // Observed on the side: the caller still gets (and handles) the original promise.
      result.then(
        () => report(true),
        () => report(false),
      );
      return result;
    };
  }
}
