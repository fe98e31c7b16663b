/** One `next` event of a subscription, as GraphQL over SSE sends it. */
export interface StreamEvent<TData> {
  data?: TData;
  errors?: unknown[];
}

/**
 * A subscription over server-sent events, read as a browser's EventSource would: `next` events
 * off the response body of a POST (or of a GET, see {@link EventStream.get}), to a real server
 * (`fetch`, the default) or to an app in process (pass `app.fetch`).
 */
export class EventStream<TData> {
  private readonly reader: ReadableStreamDefaultReader<string>;
  private buffer = "";

  private constructor(readonly response: Response) {
    if (!response.body) throw new Error(`no body (status ${response.status})`);
    this.reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  }

  /**
   * Subscribes. When this resolves the server answered with the stream's headers, so the
   * subscription is listening: a change made from now on is delivered.
   */
  static async open<TData>(
    url: string,
    query: string,
    headers: Record<string, string> = {},
    fetcher: (url: string, init: RequestInit) => Promise<Response> | Response = fetch,
  ) {
    const response = await fetcher(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream", ...headers },
      body: JSON.stringify({ query }),
    });
    return new EventStream<TData>(response);
  }

  /**
   * Subscribes as a browser's `EventSource` does: a GET with the operation in the query string,
   * `Accept: text/event-stream` and no other header (an EventSource cannot set any).
   */
  static async get<TData>(
    url: string,
    query: string,
    fetcher: (url: string, init: RequestInit) => Promise<Response> | Response = fetch,
  ) {
    const response = await fetcher(`${url}?query=${encodeURIComponent(query)}`, {
      headers: { accept: "text/event-stream" },
    });
    return new EventStream<TData>(response);
  }

  /** The next `next` event, or `undefined` when the stream completed or closed. */
  async next(): Promise<StreamEvent<TData> | undefined> {
    for (;;) {
      const end = this.buffer.indexOf("\n\n");
      if (end >= 0) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event === "complete") return undefined;
        if (event === "next" && data) return JSON.parse(data) as StreamEvent<TData>;
        continue;
      }
      const { done, value } = await this.reader.read();
      if (done) return undefined;
      this.buffer += value;
    }
  }

  /** The data of the next event; fails on an error event or the end of the stream. */
  async nextData(): Promise<TData> {
    const event = await this.next();
    if (!event?.data) throw new Error(`expected data, got ${JSON.stringify(event)}`);
    return event.data;
  }

  /** Unsubscribes by closing the response. */
  async close(): Promise<void> {
    await this.reader.cancel().catch(() => undefined);
  }
}
