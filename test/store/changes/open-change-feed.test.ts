import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, describe, expect, it, vi } from "vitest";
import { startServer } from "../../../src/server.js";
import { readServerConfig } from "../../../src/server-config.js";
import { openChangeFeed } from "../../../src/store/changes/open-change-feed.js";
import { schemaFor } from "../../../src/store/postgres/postgres-schema.js";
import { listen } from "./change-feed-suite.js";

const REDIS = "redis://127.0.0.1:6379/0";
const POSTGRES = "postgres://postgres@127.0.0.1:5432/test";
const schemas: string[] = [];
const namespace = () => `op_${process.pid}_${randomBytes(4).toString("hex")}`;

afterAll(async () => {
  const admin = new pg.Client(POSTGRES);
  await admin.connect();
  for (const ns of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${schemaFor(ns)} CASCADE`);
  await admin.end();
});

describe("the change feed a store URL gets", () => {
  it("is in process for the memory and SQLite stores", async () => {
    for (const url of ["memory://", "sqlite://:memory:"]) {
      const pubsub = await openChangeFeed(url);
      expect(pubsub.transport).toBe("in-process");
      expect(pubsub.connected).toBe(true);
      await pubsub.close();
    }
  });

  it("refuses a URL no backend answers", async () => {
    await expect(openChangeFeed("ftp://nowhere")).rejects.toMatchObject({ code: "INVALID_CONFIG" });
  });

  it("is Redis pub/sub for a Redis store, in the store's namespace, without the store's parameters", async () => {
    const ns = namespace();
    const url = `${REDIS}?namespace=${ns}&historyRetention=5`;
    const pubsub = await openChangeFeed(url);
    try {
      expect(pubsub.transport).toBe("redis");
      expect(pubsub.connected).toBe(true);
      expect("channel" in pubsub && pubsub.channel).toBe(`featurestore:${ns}:changes`);
    } finally {
      await pubsub.close();
    }
  });

  it("is LISTEN/NOTIFY for a PostgreSQL store, in the store's namespace, without the store's parameters", async () => {
    const ns = namespace();
    schemas.push(ns);
    const url = `${POSTGRES}?namespace=${ns}&pool_size=2`;
    const pubsub = await openChangeFeed(url);
    try {
      expect(pubsub.transport).toBe("postgres");
      expect(pubsub.connected).toBe(true);
      expect("channel" in pubsub && pubsub.channel).toBe(`featurestore_${ns}`);
    } finally {
      await pubsub.close();
    }
  });
});

describe("the server's pubsub", () => {
  it("runs on the store's backend, and stopping the server closes its connections", async () => {
    const ns = namespace();
    const admin = new Redis(REDIS);
    const config = readServerConfig({
      PORT: "0",
      FEATURESTORE_URL: `${REDIS}?namespace=${ns}`,
      FEATURESTORE_DEMO_DATA: "false",
    });
    const server = await startServer(config);
    const names = async () =>
      ((await admin.call("CLIENT", "LIST")) as string)
        .split("\n")
        .map((line) => /(?:^| )name=(\S*)/.exec(line)?.[1])
        .filter((name) => name?.startsWith(`fs-${ns}-`))
        .sort();
    try {
      expect(server.pubsub.transport).toBe("redis");
      expect(await names()).toEqual([`fs-${ns}-listen`, `fs-${ns}-publish`]);
      const changes = listen(server.pubsub);
      server.pubsub.pubsub.publish("valueChanged", { featureName: "f", entityId: "e" });
      expect(await changes.next()).toEqual({ featureName: "f", entityId: "e" });
      await server.stop();
      expect(server.pubsub.connected).toBe(false);
      await vi.waitFor(async () => expect(await names()).toEqual([]), { timeout: 5000 });
    } finally {
      await server.stop();
      await admin.quit();
    }
  });
});
