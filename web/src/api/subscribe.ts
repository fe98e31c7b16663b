import type { TypedDocumentString } from "../generated/graphql";
import { apiHeaders, GRAPHQL_URL } from "./graphql-request";

/** Where a subscription stands, for the view to show. */
export type SubscriptionStatus = "connecting" | "open" | "closed" | "failed";

/** What {@link subscribe} reports. */
export interface SubscriptionHandlers<R> {
  next(data: R): void;
  status(status: SubscriptionStatus, message?: string): void;
}

/** Seconds to wait before connecting again after the stream broke. */
const RETRY_MS = 3_000;

/**
 * Runs a typed subscription over server-sent events and reports each result. The stream is
 * read with fetch rather than EventSource, because EventSource cannot send the Authorization
 * header a server with a read token needs. A broken stream is opened again after a pause.
 * @returns the function that ends the subscription.
 */
export function subscribe<R, V>(
  document: TypedDocumentString<R, V>,
  variables: V,
  handlers: SubscriptionHandlers<R>,
): () => void {
  const controller = new AbortController();
  let retry: ReturnType<typeof setTimeout> | undefined;

  const connect = async () => {
    handlers.status("connecting");
    try {
      const response = await fetch(GRAPHQL_URL, {
        method: "POST",
        headers: apiHeaders("text/event-stream"),
        body: JSON.stringify({ query: document.toString(), variables }),
        signal: controller.signal,
      });
      if (!response.ok || !response.body) {
        handlers.status("failed", `the server answered ${response.status}`);
        return;
      }
      handlers.status("open");
      await readEvents(response.body, (event, data) => {
        if (event !== "next") return;
        const payload = JSON.parse(data) as { data?: R; errors?: { message: string }[] };
        if (payload.errors?.[0]) handlers.status("failed", payload.errors[0].message);
        else if (payload.data) handlers.next(payload.data);
      });
      if (controller.signal.aborted) return;
      handlers.status("closed", "the server ended the stream");
    } catch {
      if (controller.signal.aborted) return;
      handlers.status("failed", "the connection broke");
    }
    retry = setTimeout(connect, RETRY_MS);
  };
  void connect();
  return () => {
    clearTimeout(retry);
    controller.abort();
  };
}

/** Splits a text/event-stream body into its events (name and data), as the SSE format defines. */
async function readEvents(
  body: ReadableStream<Uint8Array>,
  onEvent: (event: string, data: string) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, "\n");
    let end = buffer.indexOf("\n\n");
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = "message";
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") event = text;
        else if (field === "data") data.push(text);
      }
      if (data.length > 0) onEvent(event, data.join("\n"));
      end = buffer.indexOf("\n\n");
    }
  }
}
