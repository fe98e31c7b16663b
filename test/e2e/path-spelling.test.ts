import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../../src/server.js";
import { readServerConfig } from "../../src/server-config.js";
import { type RawRequest, type RawResponse, rawRequest } from "./raw-request.js";

const WRITE = "spelling-write-token";
const READ = "spelling-read-token";

/** Spellings that name the endpoint once the URL is parsed (dot segments resolve, the query is apart). */
const CANONICAL = ["/graphql", "/graphql?x", "/./graphql", "/foo/../graphql"];

/** Spellings that are not `/graphql` to a URL parser, though a lenient router might take them for it. */
const OTHER = [
  "/graphql/",
  "//graphql",
  "///graphql",
  "/graphql/.",
  "/graphql//",
  "/%67raphql",
  "/graphq%6C",
  "/%2Fgraphql",
  "/graphql%2F",
  "/GRAPHQL",
  "/Graphql",
  "/graphql;x",
  "/a/graphql",
  "/health/graphql",
  "/x?/graphql",
  "/graphql/foo",
];

const QUERY = "{ features { name } }";
const INTROSPECTION = "{ __schema { queryType { name } types { name } } }";
const SUBSCRIPTION = "subscription { valueChanged { featureName entityId } }";

/** `path` with a GraphQL query string added, after the spelling's own query if it has one. */
function withQuery(path: string, query: string): string {
  return `${path}${path.includes("?") ? "&" : "?"}query=${encodeURIComponent(query)}`;
}

/** Each way an operation reaches the server: POST and GET, queries, introspection and SSE subscriptions. */
function operations(path: string, headers: Record<string, string>): [string, RawRequest][] {
  const json = { "content-type": "application/json", ...headers };
  const sse = { accept: "text/event-stream", ...headers };
  return [
    ["POST query", { method: "POST", path, headers: json, body: JSON.stringify({ query: QUERY }) }],
    ["GET query", { method: "GET", path: withQuery(path, QUERY), headers }],
    [
      "POST introspection",
      { method: "POST", path, headers: json, body: JSON.stringify({ query: INTROSPECTION }) },
    ],
    ["GET introspection", { method: "GET", path: withQuery(path, INTROSPECTION), headers }],
    [
      "POST subscription",
      {
        method: "POST",
        path,
        headers: { ...json, accept: "text/event-stream" },
        body: JSON.stringify({ query: SUBSCRIPTION }),
      },
    ],
    ["GET subscription", { method: "GET", path: withQuery(path, SUBSCRIPTION), headers: sse }],
  ];
}

/** The `extensions.code` of a JSON error response, or what made it not one. */
function errorCode(response: RawResponse): unknown {
  if (response.streamed && response.status === 200) return "an event stream was opened";
  const body = JSON.parse(response.body) as {
    data?: unknown;
    errors?: { extensions?: { code?: unknown } }[];
  };
  if ("data" in body) return "data was answered";
  return body.errors?.[0]?.extensions?.code;
}

let server: RunningServer;

beforeAll(async () => {
  const config = readServerConfig(
    {
      PORT: "0",
      FEATURESTORE_URL: "memory://",
      FEATURESTORE_TOKEN: WRITE,
      FEATURESTORE_READ_TOKEN: READ,
    },
    [],
  );
  server = await startServer(config);
});

afterAll(async () => {
  await server?.stop();
});

describe("the read token, whatever the spelling of the endpoint's path", () => {
  it("refuses every operation without a token: 401 on the endpoint, a coded 404 on any other path", async () => {
    for (const path of [...CANONICAL, ...OTHER]) {
      for (const [kind, request] of operations(path, {})) {
        const response = await rawRequest(server.port, request);
        const expected = CANONICAL.includes(path)
          ? { status: 401, code: "UNAUTHENTICATED" }
          : { status: 404, code: "NOT_FOUND" };
        expect({ status: response.status, code: errorCode(response) }, `${kind} ${path}`).toEqual(expected);
        // Nothing of the schema or the data, whatever the status.
        expect(response.body, `${kind} ${path}`).not.toMatch(/"age"|queryType|"Query"/);
      }
    }
  });

  it("refuses a wrong token on every spelling too", async () => {
    for (const path of [...CANONICAL, ...OTHER]) {
      for (const [kind, request] of operations(path, { authorization: "Bearer guess" })) {
        const response = await rawRequest(server.port, request);
        expect([401, 404], `${kind} ${path}`).toContain(response.status);
        expect(["UNAUTHENTICATED", "NOT_FOUND"], `${kind} ${path}`).toContain(errorCode(response));
      }
    }
  });

  it("with the read token, answers on the endpoint and nowhere else", async () => {
    for (const path of [...CANONICAL, ...OTHER]) {
      for (const [kind, request] of operations(path, { authorization: `Bearer ${READ}` })) {
        const response = await rawRequest(server.port, request);
        if (CANONICAL.includes(path)) {
          expect(response.status, `${kind} ${path}`).toBe(200);
          if (kind.endsWith("subscription")) expect(response.streamed, `${kind} ${path}`).toBe(true);
          else expect(response.body, `${kind} ${path}`).toMatch(/^\{"data":/);
        } else {
          expect({ status: response.status, code: errorCode(response) }, `${kind} ${path}`).toEqual({
            status: 404,
            code: "NOT_FOUND",
          });
        }
      }
    }
  });

  it("shows GraphiQL (which holds no data) at the endpoint only, without a token", async () => {
    for (const path of [...CANONICAL, ...OTHER]) {
      const response = await rawRequest(server.port, {
        method: "GET",
        path,
        headers: { accept: "text/html" },
      });
      if (CANONICAL.includes(path)) {
        expect(response.status, path).toBe(200);
        expect(response.body, path).toContain("<title>Feature store</title>");
      } else {
        expect({ status: response.status, code: errorCode(response) }, path).toEqual({
          status: 404,
          code: "NOT_FOUND",
        });
      }
    }
  });
});
