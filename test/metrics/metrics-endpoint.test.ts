import { describe, expect, it } from "vitest";
import { EventStream } from "../event-stream.js";
import { codes, query, run, testApp } from "../graphql/client.js";
import { IngestBatchDocument, IngestDocument, VectorsDocument } from "../graphql/generated/graphql.js";
import { scrape } from "./scrape.js";

const FEATURES = ["age", "country"];

describe("GET /metrics", () => {
  it("moves each count by exactly the requests sent", async () => {
    const { app } = await testApp();
    const before = await scrape(app);

    // 3 named reads of 3 entities each (one vectors batch of 3 each), 1 anonymous read,
    // 2 named writes of 2 values each, 1 document that does not validate, 1 unknown feature.
    for (let i = 0; i < 3; i++) {
      const reply = await run(app, VectorsDocument, {
        entityIds: ["user-1", "user-2", "user-3"],
        featureNames: FEATURES,
      });
      expect(reply.errors).toBeUndefined();
    }
    expect((await query(app, "{ features { name } }")).errors).toBeUndefined();
    for (let i = 0; i < 2; i++) {
      const reply = await run(app, IngestDocument, {
        entityId: `m-${i}`,
        features: { age: i, country: "FR" },
      });
      expect(reply.errors).toBeUndefined();
    }
    expect(codes(await query(app, "query Broken { nope }"))).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    const unknown = await query(
      app,
      'query Unknown { value(featureName: "no_such", entityId: "u") { value } }',
    );
    expect(codes(unknown)).toEqual(["FEATURE_NOT_FOUND"]);

    const after = await scrape(app);
    const moved = (labels: Record<string, string>) =>
      after.value("featurestore_graphql_requests_total", labels) -
      before.value("featurestore_graphql_requests_total", labels);
    expect(moved({ operation: "Vectors", type: "query", outcome: "success" })).toBe(3);
    expect(moved({ operation: "(anonymous)", type: "query", outcome: "success" })).toBe(1);
    expect(moved({ operation: "Ingest", type: "mutation", outcome: "success" })).toBe(2);
    expect(moved({ operation: "Broken", type: "query", outcome: "error" })).toBe(1);
    expect(moved({ operation: "Unknown", type: "query", outcome: "error" })).toBe(1);
    const total = (s: typeof after) =>
      s.family("featurestore_graphql_requests_total").metrics.reduce((sum, m) => sum + Number(m.value), 0);
    expect(total(after) - total(before)).toBe(8);

    const latency = after.histogram("featurestore_graphql_request_duration_seconds", {
      operation: "Vectors",
      type: "query",
    });
    expect(latency.count).toBe(3);
    expect(latency.sum).toBeGreaterThan(0);

    const errors = (code: string) =>
      after.value("featurestore_graphql_errors_total", { code }) -
      before.value("featurestore_graphql_errors_total", { code });
    expect(errors("GRAPHQL_VALIDATION_FAILED")).toBe(1);
    expect(errors("FEATURE_NOT_FOUND")).toBe(1);

    expect(
      after.value("featurestore_values_written_total") - before.value("featurestore_values_written_total"),
    ).toBe(4);

    const batches = after.histogram("featurestore_dataloader_batch_size", { loader: "vectors" });
    const batchesBefore = before.histogram("featurestore_dataloader_batch_size", { loader: "vectors" });
    expect(batches.count - batchesBefore.count).toBe(3);
    expect(batches.sum - batchesBefore.sum).toBe(9);

    // The store's backend calls, timed once in the core: one append per write.
    const appends = (s: typeof after) =>
      s.histogram("featurestore_store_call_duration_seconds", { backend: "memory", method: "appendEntries" })
        .count;
    expect(appends(after) - appends(before)).toBe(2);
    const reads = after.labelSets("featurestore_store_call_duration_seconds").map((l) => l.method);
    expect(reads).toContain("readCurrent");

    // The process and event-loop metrics every Node exporter has.
    for (const name of [
      "process_cpu_seconds_total",
      "nodejs_eventloop_lag_seconds",
      "nodejs_heap_size_used_bytes",
    ]) {
      expect(after.has(name), name).toBe(true);
    }
  });

  it("never labels a series with an entity id or a feature name", async () => {
    const { app } = await testApp();
    await run(app, VectorsDocument, { entityIds: ["secret-entity"], featureNames: ["age"] });
    const text = (await scrape(app)).text;
    expect(text).not.toContain("secret-entity");
    expect(text).not.toMatch(/"age"/);
  });

  it("bounds operation names: a bad one is (invalid), names past the limit share (other)", async () => {
    const { app } = await testApp();
    await query(app, "{ features { name } }");
    await app.fetch("http://localhost/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: "query A { features { name } }",
        operationName: `x"} evil ${"y".repeat(300)}`,
      }),
    });
    for (let i = 0; i < 105; i++) await query(app, `query Op${i} { features { name } }`);
    const after = await scrape(app);
    const operations = after.labelSets("featurestore_graphql_requests_total").map((l) => l.operation);
    expect(operations).toContain("(invalid)");
    expect(operations).toContain("(other)");
    // Op0 to Op99 are the 100 names kept; Op100 to Op104 share (other).
    const named = operations.filter((o) => o !== undefined && !o.startsWith("("));
    expect(named.sort()).toEqual(Array.from({ length: 100 }, (_, i) => `Op${i}`).sort());
    const other = { operation: "(other)", type: "query", outcome: "success" };
    expect(after.value("featurestore_graphql_requests_total", other)).toBe(5);
    for (const operation of operations) expect(operation?.length).toBeLessThanOrEqual(64);
  });

  it("counts open subscriptions and the changes a too slow subscriber did not get", async () => {
    const { app } = await testApp({ limits: { maxQueuedEvents: 10 } });
    const stream = await EventStream.open(
      "http://localhost/graphql",
      "subscription { valueChanged { featureName entityId version } }",
      {},
      (url, init) => app.fetch(url, init),
    );
    expect((await scrape(app)).value("featurestore_subscriptions_open")).toBe(1);
    const records = Array.from({ length: 30 }, (_, i) => ({ id: `s${i}`, age: i }));
    expect((await run(app, IngestBatchDocument, { records, entityIdField: "id" })).errors).toBeUndefined();
    while ((await stream.next()) !== undefined);
    const after = await scrape(app);
    // The 10 queued and the one that did not fit.
    expect(after.value("featurestore_subscription_events_dropped_total")).toBe(11);
    expect(after.value("featurestore_subscriptions_open")).toBe(0);
  });

  it("keeps each app's counts apart in one process", async () => {
    const one = await testApp();
    const two = await testApp();
    await query(one.app, "query OnlyOne { features { name } }");
    expect(
      (await scrape(one.app)).value("featurestore_graphql_requests_total", {
        operation: "OnlyOne",
        type: "query",
        outcome: "success",
      }),
    ).toBe(1);
    expect(
      (await scrape(two.app)).value("featurestore_graphql_requests_total", {
        operation: "OnlyOne",
        type: "query",
        outcome: "success",
      }),
    ).toBe(0);
  });
});

describe("metrics turned off", () => {
  it("serves no /metrics (a coded 404) and still answers GraphQL", async () => {
    const { app } = await testApp({ metrics: false });
    expect((await query(app, "{ features { name } }")).errors).toBeUndefined();
    const response = await app.fetch("http://localhost/metrics");
    expect(response.status).toBe(404);
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe("NOT_FOUND");
  });
});

describe("GET /metrics and the tokens", () => {
  const auth = { readToken: "reader-token", writeToken: "writer-token" };

  it("needs the read or write token when a read token is set", async () => {
    const { app } = await testApp({ auth });
    const anonymous = await app.fetch("http://localhost/metrics");
    expect(anonymous.status).toBe(401);
    const body = (await anonymous.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe("UNAUTHENTICATED");
    expect(
      (await app.fetch("http://localhost/metrics", { headers: { authorization: "Bearer wrong" } })).status,
    ).toBe(401);
    await scrape(app, { authorization: "Bearer reader-token" });
    await scrape(app, { authorization: "Bearer writer-token" });
  });

  it("is open without a read token, and with metricsPublic whatever the tokens", async () => {
    await scrape((await testApp({ auth: { writeToken: "writer-token" } })).app);
    await scrape((await testApp({ auth, metricsPublic: true })).app);
  });

  it("counts refused GraphQL requests as UNAUTHENTICATED errors", async () => {
    const { app } = await testApp({ auth });
    expect(codes(await query(app, "query Sneaky { features { name } }"))).toEqual(["UNAUTHENTICATED"]);
    const after = await scrape(app, { authorization: "Bearer reader-token" });
    expect(after.value("featurestore_graphql_errors_total", { code: "UNAUTHENTICATED" })).toBe(1);
  });
});
