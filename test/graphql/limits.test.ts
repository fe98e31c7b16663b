import { getIntrospectionQuery, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { DocumentCache } from "../../src/graphql/document-cache.js";
import { measureDocument } from "../../src/graphql/document-size.js";
import { DEFAULT_LIMITS, resolveLimits } from "../../src/graphql/limits.js";
import { codes, post, query, run, testApp } from "./client.js";
import { IngestDocument, ValueDocument, VectorsDocument } from "./generated/graphql.js";

function aliasedVectors(count: number, names = '["age"]'): string {
  const fields = Array.from(
    { length: count },
    (_, i) => `v${i}: vector(entityId: "user-${i}", featureNames: ${names}) { values }`,
  );
  return `{ ${fields.join("\n")} }`;
}

describe("limits configuration", () => {
  it("has safe defaults and takes overrides", () => {
    expect(resolveLimits()).toEqual(DEFAULT_LIMITS);
    expect(resolveLimits({ maxDepth: 3 })).toEqual({ ...DEFAULT_LIMITS, maxDepth: 3 });
  });

  it("refuses limits that are not positive integers", () => {
    expect(() => resolveLimits({ maxDepth: 0 })).toThrow(RangeError);
    expect(() => resolveLimits({ maxCost: 1.5 })).toThrow(RangeError);
  });
});

describe("request body size", () => {
  it("answers an oversized body with 413 and writes nothing", async () => {
    const { app } = await testApp({ limits: { maxBodyBytes: 2048 } });
    const reply = await run(app, IngestDocument, {
      entityId: "user-1",
      features: { age: 50 },
      eventTime: null,
    });
    expect(reply.status).toBe(200);
    const big = await run(app, IngestDocument, {
      entityId: "user-1",
      features: { country: "x".repeat(4096) },
    });
    expect(big.status).toBe(413);
    const read = await run(app, ValueDocument, { featureName: "country", entityId: "user-1" });
    expect(read.data?.value?.value).toBe("FR");
  });

  it("refuses a declared Content-Length over the limit before reading the body", async () => {
    const { app } = await testApp({ limits: { maxBodyBytes: 1024 } });
    const body = JSON.stringify({ query: `{ groups { name } } # ${"x".repeat(2048)}` });
    const declared = await app.fetch("http://localhost/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(body.length) },
      body,
    });
    expect(declared.status).toBe(413);
    const invalid = await app.fetch("http://localhost/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": "12, 12" },
      body: "{}",
    });
    expect(invalid.status).toBe(400);
  });

  it("applies to a chunked body without Content-Length too", async () => {
    const { app } = await testApp({ limits: { maxBodyBytes: 1024 } });
    const payload = new TextEncoder().encode(
      JSON.stringify({ query: `{ groups { name } } # ${"x".repeat(4096)}` }),
    );
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < payload.length; i += 512) controller.enqueue(payload.slice(i, i + 512));
        controller.close();
      },
    });
    const response = await app.fetch(
      new Request("http://localhost/graphql", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        duplex: "half",
      } as RequestInit),
    );
    expect(response.status).toBe(413);
  });
});

describe("document size", () => {
  it("refuses a document over maxDocumentBytes before parsing it, over POST and GET", async () => {
    const cache = new DocumentCache();
    const t = await testApp({ documentCache: cache, limits: { maxDocumentBytes: 1000 } });
    const fits = `{ groups { name } } # ${"x".repeat(1000 - 22)}`;
    expect(Buffer.byteLength(fits)).toBe(1000);
    expect((await query(t.app, fits)).errors).toBeUndefined();
    // One byte more, in a comment that costs the parser a single token.
    const over = await query(t.app, `${fits}x`);
    expect(over.status).toBe(400);
    expect(codes(over)).toEqual(["LIMIT_EXCEEDED"]);
    expect(over.errors?.[0]?.extensions).toMatchObject({ limit: "documentBytes", max: 1000, actual: 1001 });
    const overGet = await t.app.fetch(`http://localhost/graphql?query=${encodeURIComponent(`${fits}y`)}`);
    expect(overGet.status).toBe(400);
    expect(await overGet.json()).toMatchObject({
      errors: [{ extensions: { code: "LIMIT_EXCEEDED", limit: "documentBytes" } }],
    });
    expect(cache.has(fits)).toBe(true);
    expect(cache.has(`${fits}x`)).toBe(false);
    expect(cache.size).toBe(1);
  });

  it("counts bytes of UTF-8, not characters", async () => {
    const t = await testApp({ limits: { maxDocumentBytes: 1000 } });
    // 400 characters of three bytes each in a comment: 1222 bytes in 422 characters.
    const reply = await query(t.app, `{ groups { name } } # ${"€".repeat(400)}`);
    expect(reply.errors?.[0]?.extensions).toMatchObject({ limit: "documentBytes", actual: 1222 });
  });

  it("refuses the megabyte of comment that passes the token limit, by default", async () => {
    const t = await testApp();
    const reply = await query(t.app, `{ groups { name } } # ${"x".repeat(900_000)}`);
    expect(reply.status).toBe(400);
    expect(reply.errors?.[0]?.extensions).toMatchObject({
      limit: "documentBytes",
      max: DEFAULT_LIMITS.maxDocumentBytes,
    });
  });
});

describe("the document cache", () => {
  /** A budget (estimated) for about 50 small operations, to show that it holds. */
  const LIMITS = { maxBytes: 262_144, maxLength: 4096, maxTokens: 200 };

  it("keeps no document too long or too large, no failing one, and stays within its bytes", async () => {
    const cache = new DocumentCache(LIMITS);
    const t = await testApp({ documentCache: cache });
    const seen: { text: string; cacheable: boolean }[] = [];
    const send = async (text: string, cacheable: boolean, status: number) => {
      const reply = await query(t.app, text);
      expect(reply.status, text.slice(0, 60)).toBe(status);
      expect(cache.bytes).toBeLessThanOrEqual(LIMITS.maxBytes);
      seen.push({ text, cacheable });
    };
    for (let i = 0; i < 100; i++) {
      // Under the 64 KiB document limit and the token limit: mostly comment.
      await send(`{ groups { name } } # ${i} ${"x".repeat(60_000)}`, false, 200);
      // 1500 tokens in 9 KiB of text: large once parsed.
      const names = Array.from({ length: 1500 }, () => '"age"').join(" ");
      await send(`{ v${i}: vector(entityId: "user-1", featureNames: [${names}]) { entityId } }`, false, 200);
      // Documents that fail: a syntax error, an unknown field, an alias over the limit.
      await send(`{ groups { name } ${i}`, false, 400);
      await send(`{ groups { nope${i} } }`, false, 400);
      await send(
        `{ ${Array.from({ length: 101 }, (_, j) => `a${i}_${j}: __typename`).join(" ")} }`,
        false,
        400,
      );
      // Ordinary operations, which the cache is for.
      await send(`{ g${i}: groups { name } }`, true, 200);
    }
    for (const { text, cacheable } of seen) {
      if (!cacheable) expect(cache.has(text), text.slice(0, 60)).toBe(false);
    }
    // The budget holds dozens of ordinary operations (about 5 KiB each as estimated), the most
    // recent ones.
    expect(cache.size).toBeGreaterThan(40);
    expect(cache.size).toBeLessThan(100);
    expect(cache.has("{ g99: groups { name } }")).toBe(true);
    expect(cache.has("{ g0: groups { name } }")).toBe(false);
  });

  it("hands a repeated operation the document parsed the first time", async () => {
    const cache = new DocumentCache();
    const t = await testApp({ documentCache: cache });
    const text = '{ feature(name: "age") { name } }';
    expect((await query(t.app, text)).errors).toBeUndefined();
    const first = cache.get(text);
    expect(first).toBeDefined();
    expect((await query(t.app, text)).data).toEqual({ feature: { name: "age" } });
    expect(cache.get(text)).toBe(first);
  });
});

describe("query depth", () => {
  it("refuses a query nested deeper than maxDepth before running it", async () => {
    const t = await testApp({ limits: { maxDepth: 3 } });
    const ok = await query(t.app, '{ groups { vector(entityId: "user-1") { entityId } } }');
    expect(ok.errors).toBeUndefined();
    const deep = await query(t.app, '{ groups { vector(entityId: "user-1") { features { value } } } }');
    expect(deep.status).toBe(400);
    expect(codes(deep)).toEqual(["LIMIT_EXCEEDED"]);
    expect(deep.errors?.[0]?.extensions).toMatchObject({ limit: "depth", max: 3, actual: 4 });
    expect(t.store.vectorsCalls).toHaveLength(4);
  });

  it("counts introspection fields and fields inside fragments", async () => {
    const t = await testApp({ limits: { maxDepth: 3 } });
    const viaFragment = await query(
      t.app,
      '{ groups { ...G } } fragment G on FeatureGroup { vector(entityId: "user-1") { features { value } } }',
    );
    expect(viaFragment.status).toBe(400);
    expect(viaFragment.errors?.[0]?.extensions).toMatchObject({ limit: "depth", max: 3, actual: 4 });
    const introspection = await query(t.app, "{ __schema { types { fields { name } } } }");
    expect(introspection.status).toBe(400);
    expect(introspection.errors?.[0]?.extensions).toMatchObject({ limit: "depth", max: 3, actual: 4 });
    expect(t.store.vectorsCalls).toHaveLength(0);
  });

  it("admits the standard introspection query by default, which GraphiQL and code generators send", async () => {
    const t = await testApp();
    const full = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
      oneOf: true,
    });
    expect(measureDocument(parse(full)).depth).toBe(DEFAULT_LIMITS.maxDepth);
    const reply = await query<{ __schema: { queryType: { name: string } } }>(t.app, full);
    expect(reply.errors).toBeUndefined();
    expect(reply.data?.__schema.queryType.name).toBe("Query");
  });
});

describe("introspection multiplied by fragments", () => {
  /** `count` aliases per level, each spreading the next level's fragment: count^4 fields at the bottom. */
  function fanOut(count: number): string {
    const aliases = (prefix: string, field: string) =>
      Array.from({ length: count }, (_, i) => `${prefix}${i}: ${field}`).join(" ");
    return `query { ${aliases("s", "__schema { ...S }")} }
      fragment S on __Schema { ${aliases("t", "types { ...T }")} }
      fragment T on __Type { ${aliases("f", "fields { ...F }")} }
      fragment F on __Field { ${aliases("y", "type { name }")} }`;
  }

  it("counts a fragment's aliases once per spread, so 56 written aliases count 41,370", async () => {
    // 14 aliases per level are 56 in the text, under the limit of 100; expanded they would have
    // built a 71 MB response.
    const t = await testApp();
    expect(measureDocument(parse(fanOut(14)))).toEqual({
      depth: 5,
      aliases: 14 + 14 ** 2 + 14 ** 3 + 14 ** 4,
    });
    const reply = await query(t.app, fanOut(14));
    expect(reply.status).toBe(400);
    expect(reply.data).toBeUndefined();
    expect(codes(reply)).toEqual(["LIMIT_EXCEEDED"]);
    expect(reply.errors?.[0]?.extensions).toMatchObject({ limit: "aliases", max: 100, actual: 41_370 });
    // Small fan-outs stay within the limit and are answered.
    const small = await query(t.app, fanOut(2));
    expect(small.errors).toBeUndefined();
  });

  it("measures each fragment once, however often it is spread, and survives fragment cycles", () => {
    // 40 fragments, each spreading the next one 10 times: 10^40 aliased fields if expanded.
    const levels = Array.from(
      { length: 40 },
      (_, i) =>
        `fragment L${i} on __Type { ${Array.from({ length: 10 }, (_, j) => `a${j}: ofType { ...L${i + 1} }`).join(" ")} }`,
    );
    const text = `{ __type(name: "Query") { ...L0 } } ${levels.join(" ")} fragment L40 on __Type { name }`;
    expect(measureDocument(parse(text)).aliases).toBe(Number.MAX_SAFE_INTEGER);
    const cycle =
      '{ __type(name: "Query") { ...A } } fragment A on __Type { x: ofType { ...B } } fragment B on __Type { ...A }';
    expect(measureDocument(parse(cycle))).toEqual({ depth: 2, aliases: 1 });
  });
});

describe("tokens", () => {
  it("stops the parser at maxTokens, before the document is validated or run", async () => {
    const t = await testApp({ limits: { maxTokens: 200 } });
    const names = Array.from({ length: 250 }, () => '"age"').join(", ");
    const reply = await query(t.app, `{ vector(entityId: "user-1", featureNames: [${names}]) { values } }`);
    expect(reply.status).toBe(400);
    expect(codes(reply)).toEqual(["LIMIT_EXCEEDED"]);
    expect(reply.errors?.[0]?.extensions).toMatchObject({ limit: "tokens", max: 200 });
    expect(t.store.vectorsCalls).toHaveLength(0);
    // The same list as a variable costs a handful of tokens.
    const asVariable = await query(
      t.app,
      'query($n: [String!]!) { vector(entityId: "user-1", featureNames: $n) { values } }',
      { n: Array.from({ length: 250 }, () => "age") },
    );
    expect(asVariable.errors).toBeUndefined();
  });
});

describe("aliases", () => {
  it("refuses more aliases than maxAliases, counting those in fragments", async () => {
    const t = await testApp({ limits: { maxAliases: 3 } });
    expect((await query(t.app, aliasedVectors(3))).errors).toBeUndefined();
    const tooMany = await query(t.app, aliasedVectors(4));
    expect(tooMany.status).toBe(400);
    expect(codes(tooMany)).toEqual(["LIMIT_EXCEEDED"]);
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ limit: "aliases", max: 3, actual: 4 });
    const viaFragment = await query(
      t.app,
      "{ a: groups { ...G } b: groups { ...G } } fragment G on FeatureGroup { x: name y: description }",
    );
    expect(codes(viaFragment)).toEqual(["LIMIT_EXCEEDED"]);
    // a, b, and the fragment's two aliases once per spread.
    expect(viaFragment.errors?.[0]?.extensions).toMatchObject({ limit: "aliases", max: 3, actual: 6 });
    expect(t.store.vectorsCalls).toHaveLength(1);
  });

  it("allows 100 aliases by default", async () => {
    const t = await testApp();
    expect((await query(t.app, aliasedVectors(100))).errors).toBeUndefined();
    expect(codes(await query(t.app, aliasedVectors(101)))).toEqual(["LIMIT_EXCEEDED"]);
  });
});

describe("entity ids per request", () => {
  it("refuses a vectors call over maxEntityIds without reading", async () => {
    const t = await testApp({ limits: { maxEntityIds: 5 } });
    const ids = Array.from({ length: 6 }, (_, i) => `user-${i}`);
    const reply = await run(t.app, VectorsDocument, { entityIds: ids, featureNames: ["age"] });
    expect(codes(reply)).toEqual(["LIMIT_EXCEEDED"]);
    expect(reply.errors?.[0]?.extensions).toMatchObject({ limit: "entityIds", max: 5, actual: 6 });
    expect(t.store.vectorsCalls).toHaveLength(0);
    const fits = await run(t.app, VectorsDocument, { entityIds: ids.slice(0, 5), featureNames: ["age"] });
    expect(fits.errors).toBeUndefined();
  });

  it("counts the ids of every field of the request together", async () => {
    const t = await testApp({ limits: { maxEntityIds: 5 } });
    const reply = await query(t.app, aliasedVectors(6));
    expect(codes(reply)).toEqual(["LIMIT_EXCEEDED"]);
    // The five fields within the budget were read in one batch; the sixth was refused.
    expect(t.store.vectorsCalls).toHaveLength(1);
    expect(t.store.vectorsCalls[0]?.entityIds).toHaveLength(5);
    const groups = await query(
      t.app,
      '{ groups { a: vector(entityId: "user-1") { entityId } b: vector(entityId: "user-2") { entityId } } }',
    );
    expect(codes(groups)).toEqual(["LIMIT_EXCEEDED"]);
  });
});

describe("query cost", () => {
  it("prices vectors at entityIds x featureNames and refuses over maxCost before running", async () => {
    const t = await testApp({ limits: { maxCost: 1000 } });
    const names = Array.from({ length: 20 }, (_, i) => `f${i}`);
    const fits = await query(
      t.app,
      "query($ids: [ID!]!, $names: [String!]!) { vectors(entityIds: $ids, featureNames: $names) { entityId } }",
      {
        ids: Array.from({ length: 20 }, (_, i) => `user-${i}`),
        names,
      },
    );
    expect(fits.errors).toBeUndefined();
    const tooCostly = await query(
      t.app,
      "query($ids: [ID!]!, $names: [String!]!) { vectors(entityIds: $ids, featureNames: $names) { entityId } }",
      { ids: Array.from({ length: 60 }, (_, i) => `user-${i}`), names },
    );
    expect(tooCostly.status).toBe(400);
    expect(codes(tooCostly)).toEqual(["LIMIT_EXCEEDED"]);
    expect(tooCostly.errors?.[0]?.extensions).toMatchObject({ limit: "cost", max: 1000 });
    expect(t.store.vectorsCalls).toHaveLength(1);
  });

  it("charges a group's vector its real size as it resolves, so a wide group cannot pass for a narrow one", async () => {
    const t = await testApp({ limits: { maxCost: 1000 } });
    await t.service.registerGroup({
      name: "wide",
      features: Array.from({ length: 500 }, (_, i) => ({
        name: `w${i}`,
        featureType: "NUMERIC" as const,
        valueType: "INT" as const,
      })),
    });
    const fields = Array.from(
      { length: 10 },
      (_, i) => `a${i}: groupVector(groupName: "wide", entityId: "e${i}") { entityId }`,
    );
    // Priced at 10 x 50 before it runs, under the limit; it would read 10 x 500 pairs.
    const reply = await query<Record<string, { entityId: string } | null>>(t.app, `{ ${fields.join(" ")} }`);
    expect(reply.status).toBe(200);
    expect(Object.values(reply.data ?? {}).filter((v) => v !== null)).toHaveLength(2);
    expect(codes(reply)).toEqual(Array(8).fill("LIMIT_EXCEEDED"));
    expect(reply.errors?.[0]?.extensions).toMatchObject({ limit: "cost", max: 1000, actual: 1500 });
    const pairsRead = t.store.vectorsCalls.reduce(
      (sum, c) => sum + c.entityIds.length * c.featureNames.length,
      0,
    );
    expect(pairsRead).toBe(1000);
    // Through `groups { vector }` too.
    t.store.vectorsCalls.length = 0;
    const viaGroups = await query(
      t.app,
      '{ groups { a: vector(entityId: "e1") { entityId } b: vector(entityId: "e2") { entityId } c: vector(entityId: "e3") { entityId } } }',
    );
    expect(codes(viaGroups)).toContain("LIMIT_EXCEEDED");
  });

  it("refuses a costly mutation before it writes", async () => {
    const t = await testApp({ limits: { maxCost: 50 } });
    const records = Array.from({ length: 60 }, (_, i) => ({ id: `user-${i}`, age: 1 }));
    const reply = await query(
      t.app,
      'mutation($r: [JSON!]!) { ingestBatch(records: $r, entityIdField: "id") { processed } }',
      { r: records },
    );
    expect(codes(reply)).toEqual(["LIMIT_EXCEEDED"]);
    expect((await t.service.store.getValue("age", "user-10"))?.value).toBeUndefined();
  });
});

describe("schema exposure", () => {
  const introspection = "{ __schema { queryType { name } } }";
  const typo = "{ vectr }";

  it("answers introspection and suggests names by default", async () => {
    const t = await testApp();
    expect((await query(t.app, introspection)).data).toEqual({ __schema: { queryType: { name: "Query" } } });
    expect((await query(t.app, typo)).errors?.[0]?.message).toContain("Did you mean");
    const badEnum = await post(t.app, {
      query:
        'mutation($t: FeatureType!) { registerFeature(input: { name: "q", featureType: $t, valueType: INT }) { name } }',
      variables: { t: "NUMERC" },
    });
    expect(badEnum.errors?.[0]?.message).toContain("Did you mean");
  });

  it("can turn introspection and suggestions off", async () => {
    const t = await testApp({ introspection: false, fieldSuggestions: false });
    const intro = await query(t.app, introspection);
    expect(intro.status).toBe(400);
    expect(intro.data).toBeUndefined();
    const typoReply = await query(t.app, typo);
    expect(typoReply.status).toBe(400);
    expect(typoReply.errors?.[0]?.message).toBe('Cannot query field "vectr" on type "Query".');
    const badEnum = await post(t.app, {
      query:
        'mutation($t: FeatureType!) { registerFeature(input: { name: "q", featureType: $t, valueType: INT }) { name } }',
      variables: { t: "NUMERC" },
    });
    expect(badEnum.status).toBe(400);
    expect(badEnum.errors?.[0]?.message).toContain("NUMERC");
    expect(JSON.stringify(badEnum.errors)).not.toContain("Did you mean");
    // Ordinary queries are unaffected.
    expect((await query(t.app, '{ feature(name: "age") { name } }')).data).toEqual({
      feature: { name: "age" },
    });
  });
});
