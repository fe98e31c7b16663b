import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { FeatureStoreApp } from "../../src/app.js";
import { ApiErrorCode } from "../../src/graphql/errors.js";
import { GRAPHIQL_ASSETS_PATH } from "../../src/graphql/graphiql.js";
import { EventStream } from "../event-stream.js";
import { testApp } from "./client.js";

const READ = "refusals-read-token";

/** A refusal as the client sees it: status, media type and the code of its first error. */
async function refusal(response: Response): Promise<{ status: number; json: boolean; code: unknown }> {
  const text = await response.text();
  const json = /^application\/(graphql-response\+)?json/.test(response.headers.get("content-type") ?? "");
  const body = (text === "" ? {} : JSON.parse(text)) as {
    data?: unknown;
    errors?: { extensions?: { code?: unknown } }[];
  };
  expect(body.data ?? undefined).toBeUndefined();
  return { status: response.status, json, code: body.errors?.[0]?.extensions?.code };
}

function postBody(body: string, headers: Record<string, string> = {}): RequestInit {
  return { method: "POST", headers: { "content-type": "application/json", ...headers }, body };
}

const query = (text: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ query: text, ...extra });

/** Every way a request is refused before or instead of running, with the status and code it gets. */
const REFUSALS: [string, string, RequestInit, number, string][] = [
  ["a body that is not JSON", "/graphql", postBody("{bad"), 400, "BAD_REQUEST"],
  ["a batch", "/graphql", postBody(`[${query("{ __typename }")}]`), 400, "BAD_REQUEST"],
  ["no query", "/graphql", postBody("{}"), 400, "BAD_REQUEST"],
  ["a GET without a query", "/graphql", { headers: { accept: "application/json" } }, 400, "BAD_REQUEST"],
  [
    "an invalid Content-Length",
    "/graphql",
    postBody(query("{ __typename }"), { "content-length": "12, 12" }),
    400,
    "BAD_REQUEST",
  ],
  ["a syntax error", "/graphql", postBody(query("{ vector(")), 400, "GRAPHQL_PARSE_FAILED"],
  ["an unknown field", "/graphql", postBody(query("{ nope }")), 400, "GRAPHQL_VALIDATION_FAILED"],
  [
    "a variable of the wrong type",
    "/graphql",
    postBody(
      query('query($n: Int) { value(featureName: "age", entityId: "1", version: $n) { version } }', {
        variables: { n: "x" },
      }),
    ),
    400,
    "BAD_USER_INPUT",
  ],
  [
    "an unknown operation name",
    "/graphql",
    postBody(query("query A { __typename }", { operationName: "B" })),
    400,
    "OPERATION_RESOLUTION_FAILURE",
  ],
  [
    "a query over a limit",
    "/graphql",
    postBody(query(`{ ${Array.from({ length: 101 }, (_, i) => `a${i}: __typename`).join(" ")} }`)),
    400,
    "LIMIT_EXCEEDED",
  ],
  [
    "a form POST without the CSRF header",
    "/graphql",
    postBody("query=%7B__typename%7D", { "content-type": "application/x-www-form-urlencoded" }),
    403,
    "CSRF_HEADER_REQUIRED",
  ],
  [
    "a text/plain POST without the CSRF header",
    "/graphql",
    postBody(query("{ __typename }"), { "content-type": "text/plain" }),
    403,
    "CSRF_HEADER_REQUIRED",
  ],
  ["an unknown path", "/nope", {}, 404, "NOT_FOUND"],
  ["a path under the endpoint", "/graphql/features", postBody(query("{ __typename }")), 404, "NOT_FOUND"],
  ["the endpoint with a trailing slash", "/graphql/", postBody(query("{ __typename }")), 404, "NOT_FOUND"],
  ["an unknown GraphiQL file", `${GRAPHIQL_ASSETS_PATH}/secret.js`, {}, 404, "NOT_FOUND"],
  [
    "a method GraphQL does not take",
    "/graphql",
    { method: "PUT", headers: { "content-type": "application/json" }, body: query("{ __typename }") },
    405,
    "BAD_REQUEST",
  ],
  ["DELETE", "/graphql", { method: "DELETE" }, 405, "BAD_REQUEST"],
  [
    "a mutation over GET",
    `/graphql?query=${encodeURIComponent('mutation { deleteValue(featureName: "age", entityId: "user-1") }')}`,
    {},
    405,
    "BAD_REQUEST",
  ],
  [
    "an Accept header that admits no media type GraphQL answers in",
    "/graphql",
    postBody(query("{ __typename }"), { accept: "text/html" }),
    406,
    "NOT_ACCEPTABLE",
  ],
  [
    "a subscription asked for as JSON",
    "/graphql",
    postBody(query("subscription { valueChanged { entityId } }"), { accept: "application/json" }),
    406,
    "NOT_ACCEPTABLE",
  ],
  [
    "a body over the limit",
    "/graphql",
    postBody(query(`{ __typename } # ${"x".repeat(5000)}`)),
    413,
    "LIMIT_EXCEEDED",
  ],
  [
    "a media type no parser reads",
    "/graphql",
    postBody(query("{ __typename }"), { "content-type": "application/xml", "x-graphql-yoga-csrf": "1" }),
    415,
    "UNSUPPORTED_MEDIA_TYPE",
  ],
  [
    "a POST without a Content-Type, with the CSRF header",
    "/graphql",
    { method: "POST", headers: { "x-graphql-yoga-csrf": "1" }, body: new TextEncoder().encode("{}") },
    415,
    "UNSUPPORTED_MEDIA_TYPE",
  ],
];

async function appWithSmallLimits(): Promise<FeatureStoreApp> {
  return (await testApp({ limits: { maxBodyBytes: 4096 } })).app;
}

describe("every refusal", () => {
  it.each(REFUSALS)(
    "answers %s with a JSON error carrying extensions.code",
    async (_name, path, init, status, code) => {
      const app = await appWithSmallLimits();
      const response = await app.fetch(`http://localhost${path}`, init);
      expect(await refusal(response)).toEqual({ status, json: true, code });
    },
  );

  it("answers a missing read token with 401 UNAUTHENTICATED, never to be cached", async () => {
    const { app } = await testApp({ auth: { readToken: READ } });
    const response = await app.fetch("http://localhost/graphql", postBody(query("{ __typename }")));
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await refusal(response)).toEqual({ status: 401, json: true, code: "UNAUTHENTICATED" });
  });

  it("names in a 406 the media types that would do", async () => {
    const app = await appWithSmallLimits();
    const response = await app.fetch(
      "http://localhost/graphql",
      postBody(query("{ __typename }"), { accept: "text/html" }),
    );
    expect(response.status).toBe(406);
    expect(response.headers.get("accept")).toContain("application/json");
    expect(((await response.json()) as { errors: { message: string }[] }).errors[0]?.message).toContain(
      "application/json",
    );
  });
});

describe("a subscription refused with 406", () => {
  it("gives its place among the open subscriptions back", async () => {
    const { app } = await testApp({ limits: { maxSubscriptions: 1 } });
    const subscription = 'subscription { valueChanged(entityIds: ["user-1"]) { entityId value } }';
    for (let i = 0; i < 3; i++) {
      const refused = await app.fetch(
        "http://localhost/graphql",
        postBody(query(subscription), { accept: "application/json" }),
      );
      expect(await refusal(refused)).toEqual({ status: 406, json: true, code: "NOT_ACCEPTABLE" });
    }
    // The one place is free: a subscription over SSE gets it and hears a change.
    const stream = await EventStream.open<{ valueChanged: { value: unknown } }>(
      "http://localhost/graphql",
      subscription,
      {},
      (url, init) => app.fetch(url, init),
    );
    try {
      const write = await app.fetch(
        "http://localhost/graphql",
        postBody(query('mutation { ingest(entityId: "user-1", features: { age: 77 }) { entityId } }')),
      );
      expect(write.status).toBe(200);
      expect((await stream.nextData()).valueChanged.value).toBe(77);
    } finally {
      await stream.close();
    }
  });
});

describe("the README's list of error codes", () => {
  it("names every code the API sends", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const list = readme.slice(readme.indexOf("### Error codes"), readme.indexOf("### Configuration"));
    expect(list.length).toBeGreaterThan(100);
    for (const code of Object.values(ApiErrorCode)) expect(list, code).toContain(`| \`${code}\``);
  });
});
