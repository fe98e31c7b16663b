import { type IncomingHttpHeaders, request } from "node:http";

/** A request written as given: its path is sent byte for byte, never normalised by a URL parser. */
export interface RawRequest {
  method: string;
  /** The request target exactly as it goes on the wire, e.g. `//graphql` or `/%67raphql`. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

/**
 * What came back. An event stream answered 200 (a subscription running) is not read: `streamed`
 * says one was opened. Any other response is read to its end; for an event stream that refused
 * the operation, `body` is the data of its `next` event.
 */
export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  streamed: boolean;
}

/**
 * Sends one request over a fresh connection to 127.0.0.1:`port` with `node:http`, which puts
 * `path` on the request line as it is (fetch and `new URL` would resolve `//graphql` or
 * `/./graphql` before sending).
 */
export function rawRequest(port: number, raw: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, method: raw.method, path: raw.path, headers: raw.headers, agent: false },
      (res) => {
        const status = res.statusCode ?? 0;
        const stream = String(res.headers["content-type"]).includes("text/event-stream");
        if (stream && status === 200) {
          res.destroy();
          resolve({ status, headers: res.headers, body: "", streamed: true });
          return;
        }
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () => {
          if (stream) body = /^event: next\ndata: (.*)$/m.exec(body)?.[1] ?? body;
          resolve({ status, headers: res.headers, body, streamed: stream });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(raw.body);
  });
}
