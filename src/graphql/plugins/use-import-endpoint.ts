import type { Plugin } from "graphql-yoga";
import { importFile } from "../../files/file-import.js";
import type { FeatureService } from "../../service.js";
import type { BearerTokens } from "../bearer-tokens.js";
import { failureResponse, receiveUpload, requiredParam, requirePost } from "../file-upload.js";
import { requestLog } from "../request-record.js";

/** Where {@link useImportEndpoint} answers. */
export const IMPORT_PATH = "/import";

/**
 * `POST /import?entityIdColumn=id[&eventTimeColumn=ts]`: the body is a file of records (CSV,
 * NDJSON or Parquet, by Content-Type), one row per entity and instant, one column per feature;
 * it is written through the batch write path a chunk at a time, and the answer is the import's
 * report (rows written, skipped and rejected, with row numbers and reasons) as JSON.
 *
 * The write token applies. Bad input is a coded 4xx before anything is written: a column that is
 * not a registered feature 404, a missing parameter 400, a file over `maxUploadBytes` 413, an
 * unknown type 415; bad rows are listed in the report and written not at all.
 */
export function useImportEndpoint(
  service: FeatureService,
  tokens: BearerTokens | undefined,
  maxUploadBytes: number,
): Plugin {
  return {
    async onRequest({ url, request, endResponse, fetchAPI }) {
      if (url.pathname !== IMPORT_PATH) return;
      let dispose = async () => {};
      try {
        requirePost(request);
        const refusal = tokens?.writeRefusal(request);
        if (refusal) throw refusal;
        const entityIdColumn = requiredParam(url, "entityIdColumn");
        const upload = await receiveUpload(request, maxUploadBytes);
        dispose = upload.dispose;
        const report = await importFile(service.store, {
          source: upload.source,
          format: upload.format,
          entityIdColumn,
          eventTimeColumn: url.searchParams.get("eventTimeColumn") ?? undefined,
        });
        endResponse(fetchAPI.Response.json(report, { headers: { "cache-control": "no-store" } }));
      } catch (err) {
        endResponse(failureResponse(fetchAPI, err, requestLog(request)));
      } finally {
        await dispose();
      }
    },
  };
}
