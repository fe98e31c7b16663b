import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../../src/server.js";
import { readServerConfig } from "../../src/server-config.js";
import { rawRequest } from "./raw-request.js";

let server: RunningServer;

beforeAll(async () => {
  server = await startServer(
    readServerConfig({ PORT: "0", FEATURESTORE_URL: "memory://", FEATURESTORE_DEMO_DATA: "false" }),
  );
});

afterAll(() => server.stop());

describe("a request whose target and Host make no URL", () => {
  it.each([
    ["a Host that is not one", { path: "/graphql", host: "[bad" }],
    ["an unclosed IPv6 Host", { path: "/graphql", host: "[::1" }],
    ["a Host with a space", { path: "/graphql", host: "a b" }],
    ["an absolute target with a bad authority", { path: "http://[bad/graphql", host: "x" }],
  ])("is answered 400 BAD_REQUEST with a JSON error, never a stack trace: %s", async (_, { path, host }) => {
    const response = await rawRequest(server.port, { method: "GET", path, headers: { host } });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toEqual({
      errors: [{ message: expect.stringMatching(/Host/), extensions: { code: "BAD_REQUEST" } }],
    });
    expect(response.body).not.toMatch(/at |TypeError|node_modules/);
  });

  it("leaves every usable request to the API, an absolute target included", async () => {
    const plain = await rawRequest(server.port, { method: "GET", path: "/health" });
    expect(plain.status).toBe(200);
    const absolute = await rawRequest(server.port, {
      method: "GET",
      path: `http://127.0.0.1:${server.port}/livez`,
    });
    expect(absolute.status).toBe(200);
  });
});
