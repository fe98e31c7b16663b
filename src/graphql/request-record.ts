import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { logger } from "../core/logger.js";

/** The header a request id is read from and echoed in. */
export const REQUEST_ID_HEADER = "x-request-id";

/** Longest client-sent request id kept; a longer one is replaced by a generated id. */
export const MAX_REQUEST_ID_LENGTH = 128;

/** Characters a client-sent request id may hold: no spaces, quotes or control characters. */
const SANE_REQUEST_ID = new RegExp(`^[A-Za-z0-9._:/+=@-]{1,${MAX_REQUEST_ID_LENGTH}}$`);

/**
 * What one HTTP request did, gathered while it runs and read by the request log line and the
 * metrics when its response is ready. Holds no token, variable or value: only names and codes.
 */
export interface RequestRecord {
  /** The client's `x-request-id` when sane, else a generated UUID. */
  readonly id: string;
  readonly method: string;
  readonly path: string;
  /** `performance.now()` when the request arrived. */
  readonly start: number;
  /** The operation's name as the document or `operationName` gives it (not yet bounded). */
  operationName?: string | undefined;
  /** `query`, `mutation` or `subscription`, once the document is known. */
  operationType?: string | undefined;
  /** The `extensions.code` of each error in the result, in order, repeats kept. */
  errorCodes: string[];
  /** Whether the request got a GraphQL result (not a page, a preflight or another endpoint). */
  graphql: boolean;
  /**
   * The request's logger: a pino child of {@link logger} whose lines carry `requestId`. Made on
   * first use, so a request that logs nothing but its request line does not pay for it.
   */
  readonly log: Logger;
}

/** The id a request is known by: the client's when it is sane, a fresh UUID otherwise. */
export function requestIdOf(request: Request): string {
  const sent = request.headers.get(REQUEST_ID_HEADER);
  return sent !== null && SANE_REQUEST_ID.test(sent) ? sent : randomUUID();
}

/** The record of each request being served, for whoever holds only the request. */
const records = new WeakMap<Request, RequestRecord>();

/** Starts the record of a request that just arrived; {@link recordOf} finds it from then on. */
export function startRequestRecord(request: Request): RequestRecord {
  const id = requestIdOf(request);
  let child: Logger | undefined;
  const record: RequestRecord = {
    id,
    method: request.method,
    path: new URL(request.url).pathname,
    start: performance.now(),
    errorCodes: [],
    graphql: false,
    get log(): Logger {
      child ??= logger.child({ requestId: id });
      return child;
    },
  };
  records.set(request, record);
  return record;
}

/** The record of `request`, when requests are recorded (see `useRequestRecord`). */
export function recordOf(request: Request): RequestRecord | undefined {
  return records.get(request);
}

/**
 * The logger for lines written on behalf of `request`: its record's logger, whose lines carry
 * its `requestId`, or the plain logger when requests are not recorded (metrics off and the
 * level above `info`).
 */
export function requestLog(request: Request): Logger {
  return records.get(request)?.log ?? logger;
}
