import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { GraphQLError } from "graphql";
import type { Logger } from "pino";
import { FeatureStoreError } from "../core/errors.js";
import { type FileFormat, formatOfMediaType } from "../files/file-format.js";
import type { RecordSource } from "../files/record-reader.js";
import { ApiErrorCode, errorResponse } from "./errors.js";

/** A file received in a request body, ready to be read as records. */
export interface Upload {
  readonly source: RecordSource;
  readonly format: FileFormat;
  /** Removes what receiving it left behind (a spooled Parquet file). Safe to call twice. */
  dispose(): Promise<void>;
}

function tooLarge(max: number): GraphQLError {
  return new GraphQLError(`the uploaded file exceeds the limit of ${max} bytes`, {
    extensions: { code: ApiErrorCode.LIMIT_EXCEEDED, limit: "uploadBytes", max, http: { status: 413 } },
  });
}

function badRequest(message: string, status = 400, code: string = ApiErrorCode.BAD_REQUEST): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status } } });
}

/** The body's bytes, failing with LIMIT_EXCEEDED as soon as they pass `max`. */
async function* bounded(body: ReadableStream<Uint8Array>, max: number): AsyncGenerator<Uint8Array> {
  let size = 0;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > max) throw tooLarge(max);
    yield chunk;
  }
}

/**
 * Takes a file from a POST body: its format from the Content-Type (CSV, NDJSON or Parquet), its
 * size held to `maxBytes` (a declared length is judged up front, a streamed one as it arrives).
 * CSV and NDJSON are read straight from the request as they arrive; a Parquet file is spooled to
 * a temporary file first, since Parquet is read from its end.
 * @throws GraphQLError UNSUPPORTED_MEDIA_TYPE (415), LIMIT_EXCEEDED (413) or BAD_REQUEST (400).
 */
export async function receiveUpload(request: Request, maxBytes: number): Promise<Upload> {
  let format: FileFormat;
  try {
    format = formatOfMediaType(request.headers.get("content-type") ?? "");
  } catch (err) {
    throw badRequest((err as Error).message, 415, ApiErrorCode.UNSUPPORTED_MEDIA_TYPE);
  }
  const declared = request.headers.get("content-length");
  if (declared !== null && (!/^\d+$/.test(declared) || Number(declared) > maxBytes)) {
    throw /^\d+$/.test(declared) ? tooLarge(maxBytes) : badRequest("invalid Content-Length");
  }
  if (request.body === null) throw badRequest("the request has no body: send the file as the body");
  const bytes = bounded(request.body, maxBytes);
  if (format !== "parquet") return { source: { stream: bytes }, format, dispose: async () => {} };
  const dir = await mkdtemp(join(tmpdir(), "featurestore-upload-"));
  const dispose = () => rm(dir, { recursive: true, force: true });
  try {
    const path = join(dir, "upload.parquet");
    await pipeline(Readable.from(bytes), createWriteStream(path));
    return { source: { path }, format, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}

/** The HTTP status a store error is answered with on the file endpoints. */
function statusOf(err: FeatureStoreError): number {
  if (err.code === "BACKEND_UNAVAILABLE") return 503;
  if (err.code === "FEATURE_NOT_FOUND" || err.code === "TRANSFORM_NOT_FOUND") return 404;
  if (err.code === "HISTORY_TRIMMED") return 409;
  return 400;
}

/**
 * The response for a failure of a file endpoint, in the body shape of every other refusal: a
 * coded GraphQLError or store error keeps its code (4xx, or 503 for an unavailable backend,
 * whose words stay in the log); anything else is a fault of the server, logged in full and
 * answered as a bare INTERNAL_SERVER_ERROR.
 */
export function failureResponse(
  fetchAPI: { Response: typeof Response },
  err: unknown,
  log: Logger,
): Response {
  if (err instanceof GraphQLError && typeof err.extensions.code === "string") {
    const http = err.extensions.http as { status?: number; headers?: Record<string, string> } | undefined;
    return errorResponse(fetchAPI, http?.status ?? 400, err.extensions.code, err.message, http?.headers);
  }
  if (err instanceof FeatureStoreError) {
    const unavailable = err.code === "BACKEND_UNAVAILABLE";
    const message = unavailable ? "the feature store backend is unavailable; retry later" : err.message;
    return errorResponse(fetchAPI, statusOf(err), err.code, message);
  }
  log.error({ err }, "file endpoint failed");
  return errorResponse(fetchAPI, 500, ApiErrorCode.INTERNAL_SERVER_ERROR, "Unexpected error.");
}

/** The value of a query parameter that must be given. @throws GraphQLError BAD_REQUEST without it. */
export function requiredParam(url: URL, name: string): string {
  const value = url.searchParams.get(name);
  if (value === null || value.trim() === "") throw badRequest(`the query parameter "${name}" is required`);
  return value;
}

/** Refuses any method but POST with 405. */
export function requirePost(request: Request): void {
  if (request.method !== "POST") {
    throw new GraphQLError("this endpoint takes POST only", {
      extensions: { code: ApiErrorCode.BAD_REQUEST, http: { status: 405, headers: { Allow: "POST" } } },
    });
  }
}
