import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresChangeFeed } from "../../../src/store/postgres/postgres-change-feed.js";
import { describeSharedChangeFeed, freshNamespace } from "./change-feed-suite.js";

const SERVER = "postgres://postgres@127.0.0.1:5432/test";
const admin = new pg.Client(SERVER);
beforeAll(() => admin.connect());
afterAll(() => admin.end());

/** How many sessions carry this `application_name` (each test's targets have their own). */
async function sessions(applicationName: string): Promise<number> {
  const { rows } = await admin.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1",
    [applicationName],
  );
  return rows[0]?.n ?? 0;
}

describeSharedChangeFeed<PostgresChangeFeed>({
  name: "postgres",
  create: (namespace, connectionName) =>
    new PostgresChangeFeed({ connection: SERVER, namespace, connectionName }).start(),
  killListener: async (target) => {
    const { rows } = await admin.query<{ killed: boolean }>(
      "SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE application_name = $1",
      [target.listenerName],
    );
    expect(rows).toEqual([{ killed: true }]);
  },
  publishRaw: async (target, message) => {
    await admin.query("SELECT pg_notify($1, $2)", [target.channel, message]);
  },
  connectionsOf: (target) => sessions(target.listenerName),
  // NOTIFY refuses payloads of 8000 bytes or more.
  largeValue: "x".repeat(8000),
});

describe("postgres event target", () => {
  it("refuses to start when PostgreSQL cannot be reached, leaving nothing open", async () => {
    const target = new PostgresChangeFeed({
      connection: "postgres://postgres@127.0.0.1:1/test",
      namespace: freshNamespace(),
    });
    await expect(target.start()).rejects.toThrow();
    expect(target.connected).toBe(false);
  });

  it("names its channel and session for the namespace, within PostgreSQL's 63-byte names", () => {
    const namespace = "n".repeat(50);
    const target = new PostgresChangeFeed({ connection: SERVER, namespace });
    expect(target.channel).toBe(`featurestore_${namespace}`);
    expect(Buffer.byteLength(target.channel)).toBeLessThanOrEqual(63);
    expect(target.listenerName).toBe(`fs-${namespace}-listen`);
    expect(target.listenerName.length).toBeLessThanOrEqual(63);
    expect(() => new PostgresChangeFeed({ connection: SERVER, namespace: 'x"; DROP' })).toThrow(/namespace/);
  });
});
