import { describe, expect, it } from "vitest";
import { codes, query, type Reply, run, testApp } from "./client.js";
import {
  CatalogDocument,
  EntitiesDocument,
  type EntitiesQuery,
  FeatureStatisticsDocument,
  HistoryPageDocument,
} from "./generated/graphql.js";

describe("featureStatistics", () => {
  it("answers the statistics of the demo data's numbers, categories and embeddings", async () => {
    const { app } = await testApp();
    const age = await run(app, FeatureStatisticsDocument, { featureName: "age", bins: 2 });
    expect(age.errors).toBeUndefined();
    const a = age.data?.featureStatistics;
    // Ages 31, 25, 47, 19 (user-5 has none).
    expect(a).toMatchObject({
      featureName: "age",
      live: 4,
      expired: 0,
      deleted: 0,
      defaultShare: 0,
      measure: "VALUE",
    });
    expect(a?.numbers).toMatchObject({ count: 4, min: 19, max: 47, mean: 30.5 });
    expect(a?.numbers?.stddev).toBeCloseTo(Math.sqrt((0.25 + 30.25 + 272.25 + 132.25) / 4), 10);
    expect(a?.numbers?.histogram).toEqual([
      { lower: 19, upper: 33, count: 3 },
      { lower: 33, upper: 47, count: 1 },
    ]);
    expect(a?.writes.reduce((n, w) => n + w.values, 0)).toBe(4);
    const country = await run(app, FeatureStatisticsDocument, { featureName: "country", topValues: 2 });
    expect(country.data?.featureStatistics?.topValues).toEqual([
      { value: "BR", count: 1 },
      { value: "DE", count: 1 },
    ]);
    expect(country.data?.featureStatistics?.distinctValues).toBe(5);
    const emb = await run(app, FeatureStatisticsDocument, { featureName: "item_embedding" });
    expect(emb.data?.featureStatistics).toMatchObject({ measure: "NORM", dimension: 4, topValues: [] });
    expect(emb.data?.featureStatistics?.numbers?.count).toBe(3);
    const premium = await run(app, FeatureStatisticsDocument, { featureName: "is_premium" });
    expect(premium.data?.featureStatistics?.trueShare).toBe(1);
  });

  it("refuses an unknown feature and arguments out of range, field by field", async () => {
    const { app } = await testApp();
    const reply = await query(
      app,
      '{ a: featureStatistics(featureName: "nope") { live } b: featureStatistics(featureName: "age", bins: 0) { live } c: featureStatistics(featureName: "age", writesSince: "2026-02-01T00:00:00Z", writesUntil: "2026-01-01T00:00:00Z") { live } d: featureStatistics(featureName: "age") { live } }',
    );
    expect(reply.status).toBe(200);
    const byField = Object.fromEntries((reply.errors ?? []).map((e) => [e.path?.[0], e.extensions?.code]));
    expect(byField).toEqual({ a: "FEATURE_NOT_FOUND", b: "VALIDATION_FAILED", c: "VALIDATION_FAILED" });
    expect(reply.data).toEqual({ a: null, b: null, c: null, d: { live: 4 } });
  });

  it("is priced at 100 in the cost limit, refused before anything runs", async () => {
    const t = await testApp({ limits: { maxCost: 250 } });
    const two = Array.from({ length: 2 }, (_, i) => `s${i}: featureStatistics(featureName: "age") { live }`);
    expect((await query(t.app, `{ ${two.join(" ")} }`)).errors).toBeUndefined();
    const three = Array.from(
      { length: 3 },
      (_, i) => `s${i}: featureStatistics(featureName: "age") { live }`,
    );
    // Each costs 100 plus its selection (`live`: 1).
    const refused = await query(t.app, `{ ${three.join(" ")} }`);
    expect(refused.status).toBe(400);
    expect(new Set(codes(refused))).toEqual(new Set(["LIMIT_EXCEEDED"]));
    expect(refused.errors?.[0]?.extensions).toMatchObject({ limit: "cost", max: 250, actual: 303 });
    expect(refused.data).toEqual({ s0: null, s1: null, s2: null });
  });
});

describe("FeatureDefinition.coverage", () => {
  it("gives every feature of the catalog its counts and last write, in one batched store call", async () => {
    const { app, store } = await testApp();
    const reply = await run(app, CatalogDocument);
    expect(reply.errors).toBeUndefined();
    const features = reply.data?.features ?? [];
    expect(features.length).toBeGreaterThan(5);
    const age = features.find((f) => f.name === "age");
    expect(age?.coverage).toMatchObject({ live: 4, expired: 0, deleted: 0, defaultShare: 0, complete: true });
    expect(Date.parse(age?.coverage.lastWriteAt ?? "")).toBeLessThan(Date.now());
    // A feature nobody has a value of.
    expect(features.find((f) => f.coverage.lastWriteAt === null)?.coverage.defaultShare ?? null).toBeNull();
    expect(store.coverageCalls).toEqual([features.map((f) => f.name)]);
  });

  it("counts expired values as served the default", async () => {
    const { app, service } = await testApp();
    // clicks_7d has a 7-day TTL.
    await service.ingest({ clicks_7d: 1 }, "user-9", { eventTime: new Date(Date.now() - 8 * 86_400_000) });
    const reply = await run(app, CatalogDocument);
    const clicks = reply.data?.features?.find((f) => f.name === "clicks_7d");
    expect(clicks?.coverage).toMatchObject({ live: 3, expired: 1, defaultShare: 0.25 });
  });
});

describe("entities", () => {
  it("pages entity ids in order with stable cursors, by feature, group or all", async () => {
    const { app } = await testApp();
    const all: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const reply: Reply<EntitiesQuery> = await run(app, EntitiesDocument, { first: 3, after });
      expect(reply.errors).toBeUndefined();
      const connection = reply.data?.entities;
      all.push(...(connection?.edges.map((e) => e.node.id) ?? []));
      expect(connection?.pageInfo.endCursor).toBe(connection?.edges.at(-1)?.cursor ?? null);
      if (!connection?.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor ?? null;
    }
    expect(all).toEqual(["item-1", "item-2", "item-3", "user-1", "user-2", "user-3", "user-4", "user-5"]);
    const ofFeature = await run(app, EntitiesDocument, { featureName: "clicks_7d" });
    expect(ofFeature.data?.entities?.edges.map((e) => e.node.id)).toEqual(["user-1", "user-2", "user-3"]);
    expect(ofFeature.data?.entities?.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
    const ofGroup = await run(app, EntitiesDocument, { groupName: "item", first: 2 });
    expect(ofGroup.data?.entities?.edges.map((e) => e.node.id)).toEqual(["item-1", "item-2"]);
    expect(ofGroup.data?.entities?.pageInfo.hasNextPage).toBe(true);
    const empty = await run(app, EntitiesDocument, {
      featureName: "clicks_7d",
      first: 5,
      after: ofFeature.data?.entities?.pageInfo.endCursor,
    });
    expect(empty.data?.entities).toMatchObject({
      edges: [],
      pageInfo: { hasNextPage: false, startCursor: null, endCursor: null },
    });
  });

  it("refuses both names, unknown names, bad sizes and forged cursors with coded errors", async () => {
    const { app } = await testApp();
    const cases: [Record<string, unknown>, string][] = [
      [{ featureName: "age", groupName: "item" }, "VALIDATION_FAILED"],
      [{ featureName: "nope" }, "FEATURE_NOT_FOUND"],
      [{ groupName: "nope" }, "GROUP_NOT_FOUND"],
      [{ first: 0 }, "VALIDATION_FAILED"],
      [{ first: 1001 }, "VALIDATION_FAILED"],
      [{ after: "not a cursor" }, "VALIDATION_FAILED"],
      [{ after: Buffer.from("h:1:1").toString("base64url") }, "VALIDATION_FAILED"],
    ];
    for (const [variables, code] of cases) {
      const reply = await run(app, EntitiesDocument, variables);
      expect(reply.status).toBe(200);
      expect(codes(reply)).toEqual([code]);
      expect(reply.data?.entities).toBeNull();
    }
  });

  it("prices a page at first x its selection", async () => {
    const t = await testApp({ limits: { maxCost: 500 } });
    const fits = await query(t.app, "{ entities(first: 100) { edges { cursor } } }");
    expect(fits.errors).toBeUndefined();
    const refused = await query(t.app, "{ entities(first: 1000) { edges { cursor node { id } } } }");
    expect(refused.status).toBe(400);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: "LIMIT_EXCEEDED", limit: "cost" });
  });
});

describe("historyConnection", () => {
  const seed = async () => {
    const t = await testApp({ demo: false });
    await t.service.registerFeature({ name: "score", featureType: "NUMERIC", valueType: "INT" });
    const t0 = Date.UTC(2026, 0, 1);
    for (let i = 1; i <= 7; i++) {
      await t.service.ingest({ score: i * 10 }, "u", { eventTime: new Date(t0 + i * 3_600_000) });
    }
    return t;
  };
  const values = (reply: {
    data?: { historyConnection?: { edges: { node: { value: unknown } }[] } | null } | null;
  }) => reply.data?.historyConnection?.edges.map((e) => e.node.value);

  it("pages forward and backward, oldest or newest first, with page info both ways", async () => {
    const { app } = await seed();
    const first = await run(app, HistoryPageDocument, { featureName: "score", entityId: "u", first: 3 });
    expect(values(first)).toEqual([10, 20, 30]);
    expect(first.data?.historyConnection?.pageInfo).toMatchObject({
      hasNextPage: true,
      hasPreviousPage: false,
    });
    const second = await run(app, HistoryPageDocument, {
      featureName: "score",
      entityId: "u",
      first: 3,
      after: first.data?.historyConnection?.pageInfo.endCursor,
    });
    expect(values(second)).toEqual([40, 50, 60]);
    expect(second.data?.historyConnection?.pageInfo).toMatchObject({
      hasNextPage: true,
      hasPreviousPage: true,
    });
    const back = await run(app, HistoryPageDocument, {
      featureName: "score",
      entityId: "u",
      last: 2,
      before: second.data?.historyConnection?.pageInfo.startCursor,
    });
    expect(values(back)).toEqual([20, 30]);
    expect(back.data?.historyConnection?.pageInfo).toMatchObject({
      hasNextPage: true,
      hasPreviousPage: true,
    });
    const newest = await run(app, HistoryPageDocument, {
      featureName: "score",
      entityId: "u",
      order: "NEWEST_FIRST",
      first: 2,
    });
    expect(values(newest)).toEqual([70, 60]);
    const tail = await run(app, HistoryPageDocument, { featureName: "score", entityId: "u", last: 2 });
    expect(values(tail)).toEqual([60, 70]);
    expect(tail.data?.historyConnection?.pageInfo).toMatchObject({
      hasNextPage: false,
      hasPreviousPage: true,
    });
    // The unpaged history is unchanged.
    const plain = await query<{ history: { value: number }[] }>(
      app,
      '{ history(featureName: "score", entityId: "u") { value } }',
    );
    expect(plain.data?.history.map((v) => v.value)).toEqual([10, 20, 30, 40, 50, 60, 70]);
  });

  it("refuses mixed directions, bad sizes and forged cursors", async () => {
    const { app } = await seed();
    const cases: Record<string, unknown>[] = [
      { first: 2, last: 2 },
      { last: 2, after: "x" },
      { first: 0 },
      { last: 5000 },
      { after: Buffer.from("e:u").toString("base64url") },
      { before: "%%%" },
    ];
    for (const variables of cases) {
      const reply = await run(app, HistoryPageDocument, {
        featureName: "score",
        entityId: "u",
        ...variables,
      });
      expect(codes(reply)).toEqual(["VALIDATION_FAILED"]);
    }
    const unknown = await run(app, HistoryPageDocument, { featureName: "nope", entityId: "u" });
    expect(codes(unknown)).toEqual(["FEATURE_NOT_FOUND"]);
  });
});
