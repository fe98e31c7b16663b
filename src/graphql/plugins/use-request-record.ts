import { getOperationAST } from "graphql";
import type { Plugin } from "graphql-yoga";
import { REQUEST_ID_HEADER, type RequestRecord, recordOf, startRequestRecord } from "../request-record.js";

/** What is told of each request once its response is ready. */
export type RequestEnded = (record: RequestRecord, response: Response) => void;

/** The codes of a result's errors; a streamed result's errors are not known yet. */
function errorCodes(result: unknown): string[] {
  const codes: string[] = [];
  for (const one of Array.isArray(result) ? result : [result]) {
    const errors: unknown = one && typeof one === "object" ? (one as { errors?: unknown }).errors : undefined;
    if (!Array.isArray(errors)) continue;
    for (const error of errors) {
      const code: unknown = (error as { extensions?: { code?: unknown } } | null)?.extensions?.code;
      codes.push(typeof code === "string" ? code : "INTERNAL_SERVER_ERROR");
    }
  }
  return codes;
}

/**
 * Keeps a {@link RequestRecord} of every request: its id (taken from `x-request-id` when sane,
 * generated otherwise, and echoed in the response), its operation and its error codes; hands it
 * to `ended` with the response. The record holds the request's logger (see `requestLog`), which
 * the GraphQL context and the endpoints log with, so their lines carry its id.
 *
 * Goes first among the plugins, so a response another plugin ends early is recorded too.
 */
export function useRequestRecord(ended: RequestEnded): Plugin {
  const operationKnown = (
    request: Request,
    document: Parameters<typeof getOperationAST>[0],
    operationName: string | null | undefined,
  ): void => {
    const record = recordOf(request);
    if (!record) return;
    const operation = getOperationAST(document, operationName);
    record.operationType = operation?.operation;
    record.operationName = operation?.name?.value ?? operationName ?? undefined;
  };
  return {
    onRequest({ request }) {
      startRequestRecord(request);
    },
    onParams({ request, params }) {
      const record = recordOf(request);
      // Known before the document parses; the document's own name replaces it at execution.
      if (record && typeof params.operationName === "string") record.operationName = params.operationName;
    },
    // Validation is the first step with the parsed document: a document that does not validate
    // is still known by its name and type.
    onValidate({ context, params }) {
      const { request, params: sent } = context as { request: Request; params?: { operationName?: string } };
      operationKnown(request, params.documentAST, sent?.operationName);
    },
    onExecute({ args }) {
      operationKnown(args.contextValue.request, args.document, args.operationName);
    },
    onSubscribe({ args }) {
      operationKnown(args.contextValue.request, args.document, args.operationName);
    },
    onResultProcess({ request, result }) {
      const record = recordOf(request);
      if (!record) return;
      record.graphql = true;
      record.errorCodes.push(...errorCodes(result));
    },
    onResponse({ request, response }) {
      const record = recordOf(request);
      if (!record) return;
      response.headers.set(REQUEST_ID_HEADER, record.id);
      ended(record, response);
    },
  };
}
