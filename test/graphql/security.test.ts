import { createYoga } from "graphql-yoga";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { useBearerAuth } from "../../src/graphql/plugins/use-bearer-auth.js";
import { schema } from "../../src/graphql/schema/index.js";
import { ConfigurationError, FeatureService, InMemoryFeatureStore } from "../../src/index.js";
import { codes, post, query, run, testApp } from "./client.js";
import { DeleteValueDocument, IngestDocument, ValueDocument } from "./generated/graphql.js";

const WRITE = "write-token-0123456789";
const READ = "read-token-abcdef";

describe("bearer tokens", () => {
  it("leave everything open when no token is configured", async () => {
    const { app } = await testApp();
    const reply = await run(app, IngestDocument, { entityId: "user-1", features: { age: 40 } });
    expect(reply.errors).toBeUndefined();
  });

  it("make mutations need the write token, and leave reads open", async () => {
    const t = await testApp({ auth: { writeToken: WRITE } });
    const anonymous = await run(t.app, IngestDocument, { entityId: "user-1", features: { age: 40 } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(codes(anonymous)).toEqual(["UNAUTHENTICATED"]);
    expect(anonymous.data).toBeUndefined();

    for (const authorization of [
      `Bearer ${WRITE}x`,
      `Bearer ${WRITE.slice(1)}`,
      `Basic ${WRITE}`,
      WRITE,
      "Bearer ",
    ]) {
      const wrong = await run(
        t.app,
        IngestDocument,
        { entityId: "user-1", features: { age: 40 } },
        { authorization },
      );
      expect(wrong.status, authorization).toBe(401);
    }
    expect((await t.service.store.getValue("age", "user-1"))?.value).toBe(31);

    const allowed = await run(
      t.app,
      IngestDocument,
      { entityId: "user-1", features: { age: 40 } },
      { authorization: `Bearer ${WRITE}` },
    );
    expect(allowed.errors).toBeUndefined();
    expect((await t.service.store.getValue("age", "user-1"))?.value).toBe(40);

    const read = await run(t.app, ValueDocument, { featureName: "age", entityId: "user-1" });
    expect(read.data?.value?.value).toBe(40);
  });

  it("make reads need a token when a read token is set too", async () => {
    const t = await testApp({ auth: { writeToken: WRITE, readToken: READ } });
    const variables = { featureName: "age", entityId: "user-1" };
    const anonymous = await run(t.app, ValueDocument, variables);
    expect(anonymous.status).toBe(401);
    expect(codes(anonymous)).toEqual(["UNAUTHENTICATED"]);
    expect(
      (await run(t.app, ValueDocument, variables, { authorization: `Bearer ${READ}` })).data?.value?.value,
    ).toBe(31);
    // The write token may read as well.
    expect((await run(t.app, ValueDocument, variables, { authorization: `bearer ${WRITE}` })).status).toBe(
      200,
    );
    // The read token may not write.
    const write = await run(
      t.app,
      DeleteValueDocument,
      { featureName: "age", entityId: "user-1" },
      { authorization: `Bearer ${READ}` },
    );
    expect(write.status).toBe(401);
    expect((await t.service.store.getValue("age", "user-1"))?.value).toBe(31);
  });

  it("with a read token, refuse a request without one before reading its document", async () => {
    const t = await testApp({ auth: { readToken: READ } });
    // Validation errors would tell an anonymous client which fields exist.
    for (const text of ["{ vectr }", "{ groups { nope } }", "{ vector(", "{ __schema { types { name } } }"]) {
      const reply = await query(t.app, text);
      expect(reply.status, text).toBe(401);
      expect(codes(reply)).toEqual(["UNAUTHENTICATED"]);
      expect(reply.errors?.[0]?.message).toBe("this API needs an Authorization: Bearer token");
      expect(reply.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(JSON.stringify(reply)).not.toMatch(/vectr|nope|Syntax|Query/);
    }
    const wrong = await query(t.app, "{ vectr }", undefined, { authorization: "Bearer guess" });
    expect(wrong.status).toBe(401);
    expect(wrong.errors?.[0]?.message).toBe("the bearer token is not valid for this operation");
    // GET, and a mutation, are refused the same way.
    const get = await t.app.fetch(`http://localhost/graphql?query=${encodeURIComponent("{ vectr }")}`);
    expect(get.status).toBe(401);
    const write = await run(t.app, DeleteValueDocument, { featureName: "age", entityId: "user-1" });
    expect(write.status).toBe(401);
    expect((await t.service.store.getValue("age", "user-1"))?.value).toBe(31);
    // With the token, the client sees validation errors as usual; health stays open for probes.
    const known = await query(t.app, "{ vectr }", undefined, { authorization: `Bearer ${READ}` });
    expect(known.status).toBe(400);
    expect((await t.app.fetch("http://localhost/health")).status).toBe(200);
  });

  it("with a read token, judge every GraphQL request, whatever path the router matched it on", async () => {
    // Yoga alone runs GraphQL at /graphql/, //graphql and /a/graphql (the app refuses those
    // paths with 404 before; see test/e2e/path-spelling.test.ts): the token check must not
    // lean on that.
    const auth = useBearerAuth({ readToken: READ });
    if (!auth) throw new Error("a read token must give a plugin");
    const yoga = createYoga({ schema, plugins: [auth], logging: false });
    for (const path of ["/graphql", "/graphql/", "//graphql", "/a/graphql"]) {
      const response = await yoga.fetch(`http://localhost${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ features { name } }" }),
      });
      expect(response.status, path).toBe(401);
      const withToken = await yoga.fetch(`http://localhost${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${READ}` },
        body: JSON.stringify({ query: "{ __typename }" }),
      });
      expect(await withToken.json(), path).toEqual({ data: { __typename: "Query" } });
    }
  });

  it("are trimmed, and refused when empty or holding whitespace rather than leaving the API open", () => {
    const service = new FeatureService(new InMemoryFeatureStore());
    for (const auth of [
      { writeToken: "" },
      { writeToken: "   " },
      { readToken: "" },
      { writeToken: "two words" },
    ]) {
      expect(() => createApp({ service, auth }), JSON.stringify(auth)).toThrow(ConfigurationError);
    }
  });

  it("accept a configured token given with surrounding whitespace", async () => {
    const t = await testApp({ auth: { writeToken: ` ${WRITE}\n` } });
    const reply = await run(
      t.app,
      IngestDocument,
      { entityId: "user-1", features: { age: 41 } },
      { authorization: `Bearer ${WRITE}` },
    );
    expect(reply.errors).toBeUndefined();
  });

  it("guard each operation of a multi-operation document by the one selected", async () => {
    const t = await testApp({ auth: { writeToken: WRITE } });
    const text =
      'query R { groups { name } } mutation W { deleteValue(featureName: "age", entityId: "user-1") }';
    expect((await post(t.app, { query: text, operationName: "R" })).status).toBe(200);
    expect((await post(t.app, { query: text, operationName: "W" })).status).toBe(401);
  });
});

describe("CSRF prevention", () => {
  it("refuses a simple (non-preflighted) POST without the CSRF header, and runs nothing", async () => {
    const { app, service } = await testApp();
    const body = JSON.stringify({
      query: 'mutation { deleteValue(featureName: "age", entityId: "user-1") }',
    });
    for (const contentType of [
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
    ]) {
      const reply = await post(app, body, { "content-type": contentType });
      expect(reply.status, contentType).toBe(403);
      expect(codes(reply)).toEqual(["CSRF_HEADER_REQUIRED"]);
    }
    const untyped = await app.fetch("http://localhost/graphql", {
      method: "POST",
      body: new TextEncoder().encode(body),
    });
    expect(untyped.status).toBe(403);
    expect((await service.store.getValue("age", "user-1"))?.value).toBe(31);
  });

  it("lets JSON requests, requests with the CSRF header and GET queries through", async () => {
    const { app } = await testApp();
    expect((await query(app, "{ groups { name } }")).status).toBe(200);
    const withHeader = await post(app, JSON.stringify({ query: "{ groups { name } }" }), {
      "content-type": "text/plain",
      "x-graphql-yoga-csrf": "1",
    });
    // Past the CSRF check, text/plain is a media type no parser reads.
    expect(codes(withHeader)).toEqual(["UNSUPPORTED_MEDIA_TYPE"]);
    // A GET cannot run a mutation, so it needs no header: clients such as urql send queries so.
    const get = await app.fetch(
      `http://localhost/graphql?query=${encodeURIComponent("{ groups { name } }")}`,
    );
    expect(get.status).toBe(200);
  });
});

/** A browser's CORS preflight for a POST with a JSON body and a token. */
function preflightRequest(origin: string): Request {
  return new Request("http://localhost/graphql", {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": "POST",
      "access-control-request-headers": "content-type, authorization",
    },
  });
}

describe("CORS", () => {
  const preflight = preflightRequest;

  it("sends no CORS headers when no origin is configured", async () => {
    const { app } = await testApp();
    const response = await app.fetch(preflight("https://evil.example"));
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    const reply = await query(app, "{ groups { name } }", undefined, { origin: "https://evil.example" });
    expect(reply.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("mark every response as varying by Origin when origins are configured", async () => {
    const { app } = await testApp({ corsOrigins: ["https://dash.example"] });
    const allowed = await query(app, "{ groups { name } }", undefined, { origin: "https://dash.example" });
    expect(allowed.headers.get("vary")).toMatch(/\bOrigin\b/);
    const other = await query(app, "{ groups { name } }", undefined, { origin: "https://evil.example" });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    expect(other.headers.get("vary")).toMatch(/\bOrigin\b/);
    const preflight = await app.fetch(preflightRequest("https://dash.example"));
    expect(preflight.headers.get("vary")).toMatch(/\bOrigin\b/);
  });

  it("allows the configured origins only, never with credentials", async () => {
    const { app } = await testApp({ corsOrigins: ["https://dash.example", "https://explorer.example"] });
    const allowed = await app.fetch(preflight("https://dash.example"));
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://dash.example");
    expect(allowed.headers.get("access-control-allow-headers")).toContain("authorization");
    expect(allowed.headers.get("access-control-allow-credentials")).toBeNull();
    const other = await app.fetch(preflight("https://evil.example"));
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    const reply = await query(app, "{ groups { name } }", undefined, { origin: "https://explorer.example" });
    expect(reply.headers.get("access-control-allow-origin")).toBe("https://explorer.example");
    expect(reply.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("treats * as any origin, still without credentials", async () => {
    const { app } = await testApp({ corsOrigins: ["*"] });
    const response = await app.fetch(preflight("https://anywhere.example"));
    expect(response.headers.get("access-control-allow-origin")).toBe("https://anywhere.example");
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
  });
});
