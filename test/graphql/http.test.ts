import { Kind, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { DEMO_OPERATIONS, loadDemoDataIfEmpty, readDemoDefinitions } from "../../src/graphql/demo-data.js";
import { FeatureService, InMemoryFeatureStore } from "../../src/index.js";
import { post, testApp } from "./client.js";

describe("GET /health", () => {
  it("answers 200 with the store's health while the backend answers", async () => {
    const { app } = await testApp();
    const response = await app.fetch("http://localhost/health");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ status: "ok", store: { ok: true, backend: "memory" } });
  });

  it("answers 503 when the backend is down", async () => {
    const { app, store } = await testApp();
    await store.close();
    const response = await app.fetch("http://localhost/health");
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: "unavailable", store: { ok: false, backend: "memory" } });
    // The process itself is alive.
    expect((await app.fetch("http://localhost/livez")).status).toBe(200);
  });

  it("reports a reconnecting pubsub without failing the replica", async () => {
    let connected = false;
    const { app } = await testApp({ pubsubState: () => ({ transport: "redis", connected }) });
    const down = await app.fetch("http://localhost/health");
    expect(down.status).toBe(200);
    expect(await down.json()).toEqual({
      status: "ok",
      store: { ok: true, backend: "memory" },
      pubsub: { ok: false, transport: "redis" },
    });
    connected = true;
    expect((await (await app.fetch("http://localhost/health")).json()).pubsub).toEqual({
      ok: true,
      transport: "redis",
    });
  });
});

describe("GraphiQL", () => {
  it("is shown to a browser at GET /graphql with the example operations", async () => {
    const { app } = await testApp();
    const response = await app.fetch("http://localhost/graphql", { headers: { accept: "text/html" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    const html = await response.text();
    expect(html).toContain("<title>Feature store</title>");
    expect(html).toContain(JSON.stringify(DEMO_OPERATIONS).slice(1, 60));
  });

  it("can be turned off", async () => {
    const { app } = await testApp({ graphiql: false });
    const response = await app.fetch("http://localhost/graphql", { headers: { accept: "text/html" } });
    expect(response.headers.get("content-type") ?? "").not.toContain("text/html");
  });
});

describe("the demo data set", () => {
  it("is loaded into an empty store only", async () => {
    const service = new FeatureService(new InMemoryFeatureStore());
    expect(await loadDemoDataIfEmpty(service)).toBe(true);
    const declared = ((await readDemoDefinitions()).groups ?? []).map((g) => g.name);
    expect(declared).toContain("user_signals");
    expect((await service.listGroups()).map((g) => g.name)).toEqual(declared.sort());
    // The crowd: a few hundred entities, with weeks of history, beside the hand-written ones.
    const users = await service.store.getVectors(
      Array.from({ length: 300 }, (_, i) => `user-${i + 1}`),
      ["age", "churn_score"],
    );
    const served = (name: string) =>
      users.filter((v) => v.entries.some((e) => e.featureName === name && !e.usedDefault));
    expect(served("age")).toHaveLength(299); // user-5 has no age
    // churn_score's job stopped ten days ago: every value is past its 3-day TTL.
    expect(served("churn_score")).toHaveLength(0);
    expect(
      await service.store.getValue("churn_score", "user-42", {
        asOf: new Date(Date.now() - 11 * 86_400_000),
      }),
    ).not.toBeNull();
    expect((await service.history("clicks_7d", "user-42")).length).toBeGreaterThan(4);
    await service.ingest({ age: 99 }, "user-1");
    expect(await loadDemoDataIfEmpty(service)).toBe(false);
    expect((await service.store.getValue("age", "user-1"))?.value).toBe(99);
  });

  it("answers every example operation shown in GraphiQL", async () => {
    const { app } = await testApp();
    const names = parse(DEMO_OPERATIONS).definitions.flatMap((d) =>
      d.kind === Kind.OPERATION_DEFINITION && d.name ? [d.name.value] : [],
    );
    expect(names.length).toBeGreaterThanOrEqual(6);
    for (const operationName of names) {
      const reply = await post(app, { query: DEMO_OPERATIONS, operationName });
      expect(reply.errors, operationName).toBeUndefined();
      expect(reply.status).toBe(200);
    }
  });
});
