import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { logger } from "../../src/core/logger.js";
import type { StoredEntry } from "../../src/index.js";
import {
  FeatureService,
  FeatureStore,
  FeatureTransform,
  InMemoryFeatureStore,
  MemoryBackend,
} from "../../src/index.js";
import { codes, post, query, run, type TestApp, testApp } from "./client.js";
import { ValueDocument, VectorDocument } from "./generated/graphql.js";

/** A memory backend that fails like a dropped database connection. */
class UnreachableBackend extends MemoryBackend {
  override async readCurrent(): Promise<(StoredEntry | undefined)[]> {
    throw new Error("connect ECONNREFUSED 10.1.2.3:5432 (user=featurestore password=hunter2)");
  }
}

let t: TestApp;

beforeEach(async () => {
  t = await testApp();
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("domain errors", () => {
  it("carry their code and details in extensions", async () => {
    const notFound = await run(t.app, ValueDocument, { featureName: "nope", entityId: "user-1" });
    expect(notFound.status).toBe(200);
    expect(notFound.errors).toEqual([
      {
        message: 'feature "nope" is not registered',
        locations: [{ line: 2, column: 3 }],
        path: ["value"],
        extensions: { code: "FEATURE_NOT_FOUND", featureName: "nope" },
      },
    ]);
    const badId = await run(t.app, VectorDocument, { entityId: "x".repeat(513), featureNames: ["age"] });
    expect(codes(badId)).toEqual(["VALIDATION_FAILED"]);
  });

  it("fail only their own field: the rest of the request is answered", async () => {
    const reply = await query(
      t.app,
      `{
        good: vector(entityId: "user-1", featureNames: ["age"]) { values }
        bad: vector(entityId: "", featureNames: ["age"]) { values }
      }`,
    );
    expect(reply.status).toBe(200);
    expect(codes(reply)).toEqual(["VALIDATION_FAILED"]);
    // Root fields are nullable: the failing one is null, its sibling keeps its answer.
    expect(reply.data).toEqual({ good: { values: { age: 31 } }, bad: null });
    const partial = await query(
      t.app,
      `{ feature(name: "age") { name } value(featureName: "nope", entityId: "user-1") { version } }`,
    );
    expect(partial.data).toEqual({ feature: { name: "age" }, value: null });
    expect(codes(partial)).toEqual(["FEATURE_NOT_FOUND"]);
  });

  it("hide no write: a failing mutation field is null, the writes before it stand and the fields after it run", async () => {
    const reply = await query(
      t.app,
      `mutation {
        a: ingest(entityId: "at4", features: { age: 5 }) { entityId }
        b: ingest(entityId: "at4", features: { age: "x" }) { entityId }
        c: ingest(entityId: "at4", features: { country: "NL" }) { entityId }
      }`,
    );
    expect(reply.status).toBe(200);
    expect(reply.data).toEqual({ a: { entityId: "at4" }, b: null, c: { entityId: "at4" } });
    expect(codes(reply)).toEqual(["VALIDATION_FAILED"]);
    expect(reply.errors?.[0]?.path).toEqual(["b"]);
    expect((await t.service.store.getValue("age", "at4"))?.value).toBe(5);
    expect((await t.service.store.getValue("country", "at4"))?.value).toBe("NL");
  });

  it("report BACKEND_UNAVAILABLE without the backend's own words", async () => {
    const own = await testApp({
      service: new FeatureService(new FeatureStore(new UnreachableBackend())),
      demo: false,
    });
    await own.service.store.registerFeature({ name: "age", featureType: "NUMERIC", valueType: "INT" });
    const reply = await run(own.app, VectorDocument, { entityId: "user-1", featureNames: ["age"] });
    expect(codes(reply)).toEqual(["BACKEND_UNAVAILABLE"]);
    const text = JSON.stringify(reply.errors);
    expect(text).not.toContain("10.1.2.3");
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("ECONNREFUSED");
  });

  it("report BACKEND_UNAVAILABLE once the store is closed", async () => {
    await t.service.store.close();
    const reply = await run(t.app, ValueDocument, { featureName: "age", entityId: "user-1" });
    expect(codes(reply)).toEqual(["BACKEND_UNAVAILABLE"]);
  });
});

describe("unexpected errors", () => {
  it("are masked for the client and logged in full", async () => {
    logger.level = "error";
    const logged = vi.spyOn(logger, "error").mockImplementation(() => undefined);
    try {
      const service = new FeatureService(new InMemoryFeatureStore(), {
        transform: new FeatureTransform().add("age", () => {
          throw new TypeError("internal invariant broken at /srv/secret/path.ts");
        }),
      });
      const own = await testApp({ service });
      const reply = await run(own.app, VectorDocument, {
        entityId: "user-1",
        featureNames: ["age"],
        applyTransform: true,
      });
      expect(reply.errors).toEqual([
        {
          message: "Unexpected error.",
          locations: [{ line: 2, column: 3 }],
          path: ["vector"],
          extensions: { code: "INTERNAL_SERVER_ERROR" },
        },
      ]);
      expect(JSON.stringify(reply)).not.toContain("secret");
      expect(logged).toHaveBeenCalledWith(
        expect.objectContaining({
          err: expect.objectContaining({ message: expect.stringContaining("secret") }),
        }),
        expect.any(String),
      );
    } finally {
      logger.level = "silent";
    }
  });
});

describe("bad HTTP input", () => {
  const malformed: [string, string, Record<string, string>?][] = [
    ["broken JSON", "{bad"],
    ["a JSON null", "null"],
    ["a JSON number", "42"],
    ["a batch", JSON.stringify([{ query: "{ groups { name } }" }])],
    ["no query", JSON.stringify({ variables: {} })],
    ["an unknown parameter", JSON.stringify({ query: "{ groups { name } }", extra: 1 })],
    ["a query that is not a string", JSON.stringify({ query: { a: 1 } })],
    ["variables that are not an object", JSON.stringify({ query: "{ groups { name } }", variables: [1] })],
    ["a syntax error", JSON.stringify({ query: "{ vector(" })],
    ["an unknown field", JSON.stringify({ query: "{ nope }" })],
    ["a missing argument", JSON.stringify({ query: "{ vector { values } }" })],
    [
      "a wrongly typed variable",
      JSON.stringify({
        query: 'query($n: Int) { value(featureName: "age", entityId: "1", version: $n) { version } }',
        variables: { n: "x" },
      }),
    ],
    [
      "a null for a non-null variable",
      JSON.stringify({
        query: "query($id: ID!) { vector(entityId: $id, featureNames: []) { values } }",
        variables: { id: null },
      }),
    ],
    [
      "an unknown operation name",
      JSON.stringify({ query: "query A { groups { name } }", operationName: "B" }),
    ],
    [
      "a bare word in JSON",
      JSON.stringify({ query: 'mutation { ingest(entityId: "1", features: { age: thirty }) { entityId } }' }),
    ],
  ];

  it.each(malformed)("answers %s with a 4xx and coded errors", async (_name, body, headers) => {
    const reply = await app400(body, headers);
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(reply.status).toBeLessThan(500);
    expect(reply.errors?.length).toBeGreaterThan(0);
    for (const code of codes(reply)) expect(code).toMatch(/^[A-Z_]+$/);
  });

  it("keeps serving after all of them", async () => {
    for (const [, body, headers] of malformed) await app400(body, headers);
    const reply = await run(t.app, ValueDocument, { featureName: "age", entityId: "user-1" });
    expect(reply.status).toBe(200);
    expect(reply.data?.value?.value).toBe(31);
  });

  it("refuses a mutation sent with GET", async () => {
    const url = `http://localhost/graphql?query=${encodeURIComponent('mutation { deleteValue(featureName: "age", entityId: "user-1") }')}`;
    const response = await t.app.fetch(url, { headers: { "x-graphql-yoga-csrf": "1" } });
    expect(response.status).toBe(405);
    const reply = await run(t.app, ValueDocument, { featureName: "age", entityId: "user-1" });
    expect(reply.data?.value?.value).toBe(31);
  });

  it("answers a GET whose variables or extensions are not JSON with 400 BAD_REQUEST, logging no error", async () => {
    const logged = vi.spyOn(logger, "error");
    for (const parameter of ["variables=%7Bbad", "extensions=%7Bbad"]) {
      const response = await t.app.fetch(`http://localhost/graphql?query=%7B__typename%7D&${parameter}`, {
        headers: { "x-graphql-yoga-csrf": "1" },
      });
      expect(response.status, parameter).toBe(400);
      const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
      expect(body.errors[0]?.extensions.code).toBe("BAD_REQUEST");
    }
    expect(logged).not.toHaveBeenCalled();
  });

  it("does not quote an invalid JSON body back", async () => {
    const reply = await post(t.app, '{"query": "{ groups { name } }", "secret-body-text": ');
    expect(reply.status).toBe(400);
    expect(codes(reply)).toEqual(["BAD_REQUEST"]);
    expect(reply.errors?.[0]?.extensions?.originalError).toBeUndefined();
    expect(JSON.stringify(reply)).not.toContain("secret-body-text");
  });

  it("gives variables that do not coerce the code BAD_USER_INPUT", async () => {
    const wrongType = await query(
      t.app,
      'query($n: Int) { value(featureName: "age", entityId: "1", version: $n) { version } }',
      { n: "x" },
    );
    expect(wrongType.status).toBe(400);
    expect(codes(wrongType)).toEqual(["BAD_USER_INPUT"]);
    const missing = await query(
      t.app,
      "query($id: ID!) { vector(entityId: $id, featureNames: []) { values } }",
    );
    expect(missing.status).toBe(400);
    expect(codes(missing)).toEqual(["BAD_USER_INPUT"]);
  });

  it("answers documents nested deeper than the parser can follow with a 400, logging no error", async () => {
    const logged = vi.spyOn(logger, "error");
    // With the default token and size limits the parser stops early; with huge ones, its
    // recursion would overflow the stack, which must still be a client error.
    const roomy = await testApp({ limits: { maxTokens: 1_000_000, maxDocumentBytes: 1_000_000 } });
    const nestedList = (depth: number) =>
      `mutation { ingest(entityId: "deep", features: { age: ${"[".repeat(depth)}${"]".repeat(depth)} }) { entityId } }`;
    const nestedSelection = (depth: number) => `{ ${"groups { ".repeat(depth)}name${" }".repeat(depth)} }`;
    const parseFailure = ["GRAPHQL_PARSE_FAILED"];
    // Whether the token limit or the stack stops the parser first depends on how warm the JIT is.
    const eitherFailure = expect.arrayContaining([
      expect.stringMatching(/^(LIMIT_EXCEEDED|GRAPHQL_PARSE_FAILED)$/),
    ]);
    for (const [app, text, expected] of [
      [t.app, nestedList(3000), eitherFailure],
      [t.app, nestedSelection(2000), eitherFailure],
      [roomy.app, nestedList(50_000), parseFailure],
      [roomy.app, nestedSelection(50_000), parseFailure],
    ] as const) {
      const reply = await query(app, text);
      expect(reply.status, text.slice(0, 40)).toBe(400);
      expect(codes(reply)).toEqual(expected);
    }
    expect(logged).not.toHaveBeenCalled();
    expect((await t.service.store.getValue("age", "deep"))?.value).toBeUndefined();
  });

  it("refuses JSON values nested more than 100 levels deep, inline or in variables", async () => {
    const logged = vi.spyOn(logger, "error");
    const deep = (depth: number): unknown => {
      let value: unknown = 1;
      for (let i = 0; i < depth; i++) value = [value];
      return value;
    };
    const inline = await query(
      t.app,
      `mutation { ingest(entityId: "deep", features: { recent_categories: ${"[".repeat(101)}${"]".repeat(101)} }) { entityId } }`,
    );
    expect(inline.status).toBe(400);
    expect(inline.errors?.[0]?.message).toContain("at most 100 levels");
    // JSON.parse takes any depth; what reads the value after it would overflow the stack.
    // (Written out by hand: JSON.stringify cannot nest this deep either.)
    const variable = await post(
      t.app,
      `{"query": "mutation($f: JSON!) { ingest(entityId: \\"deep\\", features: $f) { entityId } }",
        "variables": {"f": {"recent_categories": ${"[".repeat(100_000)}1${"]".repeat(100_000)}}}}`,
    );
    expect(variable.status).toBe(400);
    expect(codes(variable)).toEqual(["BAD_USER_INPUT"]);
    const batch = await query(
      t.app,
      'mutation($r: [JSON!]!) { ingestBatch(records: $r, entityIdField: "id") { processed } }',
      {
        r: [{ id: "deep", recent_categories: deep(200) }],
      },
    );
    expect(codes(batch)).toEqual(["BAD_USER_INPUT"]);
    expect(logged).not.toHaveBeenCalled();
    expect(await t.service.store.getValue("recent_categories", "deep")).toBeNull();
    // A nested value within the limit is stored as usual.
    const fits = await query(
      t.app,
      'mutation($f: JSON!) { ingest(entityId: "deep", features: $f) { entityId } }',
      {
        f: { recent_categories: ["a", "b"] },
      },
    );
    expect(fits.errors).toBeUndefined();
  });

  it("answers an unknown path with 404", async () => {
    const response = await t.app.fetch("http://localhost/nope");
    expect(response.status).toBe(404);
  });

  async function app400(body: string, headers?: Record<string, string>) {
    return post(t.app, body, headers);
  }
});
