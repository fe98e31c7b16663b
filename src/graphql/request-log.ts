import { logger } from "../core/logger.js";
import { INVALID_OPERATION, isOperationName } from "../metrics/operation-label.js";
import type { RequestRecord } from "./request-record.js";

/**
 * Writes the one line at info that sums up a request: method, path, operation name and type,
 * status, duration, error codes and bytes out, with its `requestId`. It
 * holds no header, token, variable or value; an operation name that is not a GraphQL name of
 * sane length (a client may send anything as `operationName`) shows as `(invalid)`.
 * `bytesOut` is left out when the body is streamed (a subscription, a training set) and its
 * length is not known when the response starts.
 */
export function logRequest(record: RequestRecord, response: Response): void {
  if (!logger.isLevelEnabled("info")) return;
  const name = record.operationName;
  const length = response.headers.get("content-length");
  logger.info(
    {
      requestId: record.id,
      method: record.method,
      path: record.path,
      operationName: name === undefined || isOperationName(name) ? name : INVALID_OPERATION,
      operationType: record.operationType,
      status: response.status,
      durationMs: Math.round((performance.now() - record.start) * 1000) / 1000,
      errorCodes: record.errorCodes.length > 0 ? record.errorCodes : undefined,
      bytesOut: length === null ? undefined : Number(length),
    },
    "request",
  );
}
