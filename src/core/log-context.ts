import { AsyncLocalStorage } from "node:async_hooks";

/** What every log line written on behalf of a request carries. */
export interface LogContext {
  /** The request's id (see the `x-request-id` header). */
  readonly id: string;
}

/**
 * The request being served, for the logger: a line written anywhere while a request runs (a
 * resolver, the store, the error masking) carries its `requestId` without being handed it.
 */
export const logContext = new AsyncLocalStorage<LogContext>();
