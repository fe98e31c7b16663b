import { mkdtempSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { openStore, SQLiteFeatureStore } from "../../src/index.js";
import { describeConformance, errorCode } from "./conformance.js";
import { expectConcurrentWritersGapFree, startWriter } from "./processes.js";

const dir = mkdtempSync(join(tmpdir(), "featurestore-sqlite-"));
let files = 0;
const nextFile = () => join(dir, `store-${files++}.db`);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeConformance({
  name: "sqlite",
  create: () => new SQLiteFeatureStore(nextFile()).open(),
  reopen: (store) => new SQLiteFeatureStore((store as SQLiteFeatureStore).path).open(),
});

describe("sqlite store", () => {
  it("opens in WAL mode with synchronous=FULL by default, NORMAL on request", async () => {
    const path = nextFile();
    const store = await openStore(`sqlite://${path}`);
    await store.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
    const full = new SQLiteFeatureStore(path);
    await full.open();
    const probe = (full as unknown as { db: Database.Database }).db;
    expect(probe.pragma("synchronous", { simple: true })).toBe(2);
    await full.close();
    const normal = await openStore(`sqlite://${path}?synchronous=NORMAL`);
    expect((normal as unknown as { db: Database.Database }).db.pragma("synchronous", { simple: true })).toBe(
      1,
    );
    await normal.close();
  });

  it("takes relative and absolute paths in its URL and names the schemes for an unknown one", async () => {
    const absolute = nextFile();
    const a = await openStore(`sqlite://${absolute}`);
    expect((a as SQLiteFeatureStore).path).toBe(absolute);
    await a.close();
    const rel = relative(process.cwd(), nextFile());
    const b = await openStore(`sqlite://${rel}`);
    expect((b as SQLiteFeatureStore).path).toBe(rel);
    await b.close();
    await expect(openStore("mysql://admin:s3cret@localhost/x")).rejects.toThrow(
      /mysql:\/\/.*use one of memory:\/\/, sqlite:\/\//,
    );
    await expect(openStore("mysql://admin:s3cret@localhost/x")).rejects.not.toThrow(/s3cret/);
    expect(await errorCode(openStore("mysql://localhost/x"))).toBe("INVALID_CONFIG");
    expect(await errorCode(openStore("constructor://x"))).toBe("INVALID_CONFIG");
    expect(await errorCode(openStore("sqlite://data/100%.db"))).toBe("INVALID_CONFIG");
    expect(await errorCode(openStore("features.db"))).toBe("INVALID_CONFIG");
    expect(await errorCode(openStore("sqlite://x.db?synchronous=OFF"))).toBe("INVALID_CONFIG");
  });

  it("reads 100 entities x 50 features in one query", async () => {
    const store = new SQLiteFeatureStore(nextFile());
    await store.open();
    const names = Array.from({ length: 50 }, (_, i) => `f${i}`);
    for (const n of names) await store.registerFeature({ name: n, featureType: "NUMERIC", valueType: "INT" });
    // Record every prepared statement the store runs, through the real statements.
    const statements: string[] = [];
    const originals = (store as unknown as { statements: Record<string, Database.Statement> }).statements;
    for (const [key, stmt] of Object.entries(originals)) {
      const all = stmt.all.bind(stmt);
      const get = stmt.get.bind(stmt);
      originals[key] = Object.assign(Object.create(stmt), {
        all: (...args: unknown[]) => {
          statements.push(key);
          return all(...args);
        },
        get: (...args: unknown[]) => {
          statements.push(key);
          return get(...args);
        },
      });
    }
    const vectors = await store.getVectors(
      Array.from({ length: 100 }, (_, i) => `e${i}`),
      names,
    );
    expect(vectors).toHaveLength(100);
    expect(statements).toEqual(["currentRows"]);
    await store.close();
  });

  it("gives processes writing one file at once versions 1..n with no gap or repeat", async () => {
    await expectConcurrentWritersGapFree(`sqlite://${nextFile()}`);
  }, 120_000);

  it("refuses a file written by a newer schema version", async () => {
    const path = nextFile();
    await (await openStore(`sqlite://${path}`)).close();
    const db = new Database(path);
    db.prepare("UPDATE meta SET value = '99' WHERE key = 'schema_version'").run();
    db.close();
    expect(await errorCode(openStore(`sqlite://${path}`))).toBe("INVALID_CONFIG");
  });

  it("releases the database when opening fails, however often it is retried", async () => {
    const path = nextFile();
    await (await openStore(`sqlite://${path}`)).close();
    const db = new Database(path);
    db.prepare("INSERT INTO definitions (name, body) VALUES ('broken', 'not json')").run();
    db.close();
    const openHandles = () =>
      readdirSync("/proc/self/fd").filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`).startsWith(path);
        } catch {
          return false;
        }
      }).length;
    const store = new SQLiteFeatureStore(path);
    for (let i = 0; i < 3; i++) expect(await errorCode(store.open())).toBe("BACKEND_UNAVAILABLE");
    expect(openHandles()).toBe(0);
    expect((await store.health()).ok).toBe(false);
    expect(openHandles()).toBe(0);
    await store.close();
  });

  it("loses no acknowledged write when the writer is killed with SIGKILL", async () => {
    const url = `sqlite://${nextFile()}`;
    const writer = startWriter(url, "k", 0);
    await writer.acked(200);
    writer.child.kill("SIGKILL");
    expect(await writer.exited).toBe("SIGKILL");
    const acked = [...writer.acks];
    const store = await openStore(url);
    const history = await store.history("counter", "shared");
    const byVersion = new Map(history.map((h) => [h.version, h.value]));
    for (const [version, value] of acked) expect(byVersion.get(version)).toBe(value);
    expect(history.map((h) => h.version)).toEqual(Array.from({ length: history.length }, (_, i) => i + 1));
    expect(history.length).toBeGreaterThanOrEqual(acked.length);
    await store.close();
  }, 60_000);
});
