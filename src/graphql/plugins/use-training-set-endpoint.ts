import { once } from "node:events";
import { PassThrough, Readable } from "node:stream";
import type { Plugin } from "graphql-yoga";
import { type FileFormat, formatOfMediaType, MEDIA_TYPES } from "../../files/file-format.js";
import { exportTrainingSet } from "../../files/training-set-export.js";
import { type FeatureService, transformChoiceOf } from "../../service.js";
import type { BearerTokens } from "../bearer-tokens.js";
import { failureResponse, receiveUpload, requiredParam, requirePost } from "../file-upload.js";
import { requestLog } from "../request-record.js";

/** Where {@link useTrainingSetEndpoint} answers. */
export const TRAINING_SET_PATH = "/training-set";

/** The output format: `?format=`, else a file type the Accept header names, else the input's. */
function outputFormat(url: URL, request: Request, input: FileFormat): FileFormat {
  const asked = url.searchParams.get("format");
  if (asked !== null) return formatOfMediaType(asked);
  for (const type of (request.headers.get("accept") ?? "").split(",")) {
    try {
      return formatOfMediaType(type);
    } catch {
      // Not a file type (*/* or the like): keep looking.
    }
  }
  return input;
}

/** The response header naming the transform (`name@version`) a training set went through. */
export const TRANSFORM_HEADER = "featurestore-transform";

/**
 * `POST /training-set?features=age,country[&format=parquet][&eventTimes=true]
 * [&entityIdColumn=entity_id][&timestampColumn=timestamp][&transform=name@version |
 * &applyTransform=true]`: the body is a file of entity rows (CSV, NDJSON or Parquet, by
 * Content-Type); the answer is the point-in-time training set as a file (`format`, else the
 * Accept header, else the input's format), streamed as it is joined. With a transform, every row
 * goes through it as `vector(transform:)` would, its derived features are columns, and the
 * `featurestore-transform` response header names the version (a pinned `name@version`).
 *
 * The read token applies. Bad input is a coded 4xx: an unknown feature or transform 404, a bad parameter or
 * a bad row in the first chunk 400, a file over `maxUploadBytes` 413, an unknown type 415. The
 * status is sent with the first chunk; a bad row found later ends the response early (the
 * transfer is cut, never completed with a partial file) and is logged.
 */
export function useTrainingSetEndpoint(
  service: FeatureService,
  tokens: BearerTokens | undefined,
  maxUploadBytes: number,
): Plugin {
  return {
    async onRequest({ url, request, endResponse, fetchAPI }) {
      if (url.pathname !== TRAINING_SET_PATH) return;
      let dispose = async () => {};
      try {
        requirePost(request);
        const refusal = tokens?.readRefusal(request);
        if (refusal) throw refusal;
        const featureNames = requiredParam(url, "features")
          .split(",")
          .map((name) => name.trim());
        // Refused before the upload is read: an unknown or unusable transform writes nothing.
        const transform = await service.trainingTransform(
          transformChoiceOf({
            transform: url.searchParams.get("transform"),
            applyTransform: url.searchParams.get("applyTransform") === "true",
          }),
          featureNames,
        );
        const upload = await receiveUpload(request, maxUploadBytes);
        dispose = upload.dispose;
        const format = outputFormat(url, request, upload.format);
        const out = new PassThrough();
        const exporting = exportTrainingSet(service, {
          rows: upload.source,
          rowsFormat: upload.format,
          featureNames,
          out,
          outFormat: format,
          entityIdColumn: url.searchParams.get("entityIdColumn") ?? undefined,
          timestampColumn: url.searchParams.get("timestampColumn") ?? undefined,
          includeEventTimes: url.searchParams.get("eventTimes") === "true",
          transform: transform?.reference ?? false,
        });
        // Answer once the first bytes are ready, so a failure before them gets its coded status.
        const first = await Promise.race([once(out, "readable").then(() => "streaming" as const), exporting]);
        const finished = exporting.then(
          () => out.end(),
          (err: unknown) => {
            requestLog(request).warn(
              { err },
              "training set export failed after its response began; the response is cut",
            );
            out.destroy(err instanceof Error ? err : new Error(String(err)));
          },
        );
        void finished.finally(() => dispose());
        if (first !== "streaming") await finished;
        endResponse(
          new fetchAPI.Response(Readable.toWeb(out) as ReadableStream<Uint8Array>, {
            status: 200,
            headers: {
              "content-type": MEDIA_TYPES[format],
              "content-disposition": `attachment; filename="training-set.${format}"`,
              "cache-control": "no-store",
              ...(transform ? { [TRANSFORM_HEADER]: transform.reference } : {}),
            },
          }),
        );
      } catch (err) {
        await dispose();
        endResponse(failureResponse(fetchAPI, err, requestLog(request)));
      }
    },
  };
}
