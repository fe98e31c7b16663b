import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../../src/server.js";
import { readServerConfig } from "../../src/server-config.js";
import { type RawResponse, rawRequest } from "./raw-request.js";

let server: RunningServer;

beforeAll(async () => {
  server = await startServer(readServerConfig({ PORT: "0", FEATURESTORE_URL: "memory://" }, []));
});

afterAll(async () => {
  await server?.stop();
});

const INGEST = "mutation($id: ID!) { ingest(entityId: $id, features: { age: 1 }) { values { version } } }";

/** A JSON body whose entity id is `idBytes`, written into the body as they are. */
function ingestBody(idBytes: number[]): Buffer {
  return Buffer.concat([
    Buffer.from(`{"query":${JSON.stringify(INGEST)},"variables":{"id":"`),
    Buffer.from(idBytes),
    Buffer.from('"}}'),
  ]);
}

function postJson(body: Uint8Array, contentType = "application/json"): Promise<RawResponse> {
  return rawRequest(server.port, {
    method: "POST",
    path: "/graphql",
    headers: { "content-type": contentType, "x-graphql-yoga-csrf": "1" },
    body,
  });
}

function expectBadRequest(response: RawResponse, label: string): void {
  expect(response.status, label).toBe(400);
  const body = JSON.parse(response.body) as { data?: unknown; errors: { extensions: { code: string } }[] };
  expect(body.data, label).toBeUndefined();
  expect(
    body.errors.map((e) => e.extensions.code),
    label,
  ).toEqual(["BAD_REQUEST"]);
}

async function versions(entityId: string): Promise<number[]> {
  return (await server.store.history("age", entityId)).map((v) => v.version);
}

const REPLACEMENT_TWICE = "\uFFFD\uFFFD";

describe("a request body that is not UTF-8", () => {
  const invalid: [string, number[]][] = [
    ["bytes that never occur in UTF-8", [0xff, 0xfe]],
    ["an overlong encoding of /", [0xc0, 0xaf]],
    ["an encoded surrogate", [0xed, 0xa0, 0x80]],
    ["a sequence cut short", [0x41, 0xe2, 0x82]],
    ["a code point past U+10FFFF", [0xf4, 0x90, 0x80, 0x80]],
    ["a lone continuation byte", [0x80]],
  ];

  it.each(invalid)(
    "is refused with 400 BAD_REQUEST when it holds %s, and writes nothing",
    async (label, bytes) => {
      expectBadRequest(await postJson(ingestBody(bytes)), label);
      // The entity a decoder that replaces bad bytes with U+FFFD would have written to.
      const replaced = new TextDecoder().decode(Uint8Array.from(bytes));
      expect(replaced).toContain("\uFFFD");
      expect(await versions(replaced)).toEqual([]);
    },
  );

  it("is refused whatever the parser: a GraphQL document, a form", async () => {
    const document = Buffer.concat([
      Buffer.from('{ feature(name: "'),
      Buffer.from([0xff]),
      Buffer.from('") { name } }'),
    ]);
    expectBadRequest(await postJson(document, "application/graphql"), "application/graphql");
    const form = Buffer.concat([
      Buffer.from("query=%7B__typename%7D&operationName="),
      Buffer.from([0xc0, 0xaf]),
    ]);
    expectBadRequest(await postJson(form, "application/x-www-form-urlencoded"), "raw bytes in a form");
    const escaped = Buffer.from("query=%7B__typename%7D&operationName=%FF");
    expectBadRequest(await postJson(escaped, "application/x-www-form-urlencoded"), "escaped bytes in a form");
  });
});

describe("valid UTF-8", () => {
  it("that spells U+FFFD is stored as itself, apart from the refused bodies", async () => {
    // Bodies that are not UTF-8 would have decoded to this very id; they were refused above.
    await postJson(ingestBody([0xff, 0xfe]));
    const response = await postJson(ingestBody([0xef, 0xbf, 0xbd, 0xef, 0xbf, 0xbd]));
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ data: { ingest: { values: [{ version: 1 }] } } });
    expect(await versions(REPLACEMENT_TWICE)).toEqual([1]);
    expect((await server.store.getValue("age", REPLACEMENT_TWICE))?.value).toBe(1);
  });

  it("of any length is stored as itself: two-, three- and four-byte characters", async () => {
    const id = "é€😀";
    const response = await postJson(ingestBody([...Buffer.from(id, "utf8")]));
    expect(response.status).toBe(200);
    expect(await versions(id)).toEqual([1]);
  });

  it("may open with a byte order mark, which is not part of the JSON", async () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), ingestBody([...Buffer.from("bom-1")])]);
    expect((await postJson(body)).status).toBe(200);
    expect(await versions("bom-1")).toEqual([1]);
  });
});

describe("a GET query string", () => {
  const read = (id: string) => `{ value(featureName: "age", entityId: "${id}") { value } }`;

  it("whose escapes are not UTF-8 is refused with 400 BAD_REQUEST", async () => {
    for (const escaped of ["%FF%FE", "%C0%AF", "%ED%A0%80", "%E2%82"]) {
      const query = encodeURIComponent(read("x")).replace("x", escaped);
      const response = await rawRequest(server.port, { method: "GET", path: `/graphql?query=${query}` });
      expectBadRequest(response, escaped);
    }
    const variables = await rawRequest(server.port, {
      method: "GET",
      path: `/graphql?query=${encodeURIComponent('query($id: ID!) { value(featureName: "age", entityId: $id) { value } }')}&variables=%7B%22id%22%3A%22%FF%22%7D`,
    });
    expectBadRequest(variables, "variables");
  });

  it("with UTF-8 escapes, or U+FFFD spelled out, reads the entity of that name", async () => {
    const escaped = await rawRequest(server.port, {
      method: "GET",
      path: `/graphql?query=${encodeURIComponent(read(REPLACEMENT_TWICE))}`,
    });
    expect(JSON.parse(escaped.body)).toEqual({ data: { value: { value: 1 } } });
  });
});
