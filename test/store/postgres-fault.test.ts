import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FeatureStoreError } from "../../src/index.js";
import { PostgresFeatureStore } from "../../src/postgres.js";

// Faults here are made by killing only this file's own connections (found by a unique
// application_name); the shared server itself is never restarted.
const SERVER = "postgres://postgres@127.0.0.1:5432/test";
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const namespaces: string[] = [];

const unique = (prefix: string) => `${prefix}_${process.pid}_${randomBytes(4).toString("hex")}`;

const admin = new pg.Client(SERVER);
beforeAll(() => admin.connect());
afterAll(async () => {
  // A failed test may have left its lock-holding transaction open.
  await admin.query("ROLLBACK");
  for (const ns of namespaces) await admin.query(`DROP SCHEMA IF EXISTS "featurestore_${ns}" CASCADE`);
  await admin.end();
});

/** A store in a fresh namespace whose connections carry their own application_name. */
async function faultyStore(operationTimeoutMs: number) {
  const namespace = unique("f");
  namespaces.push(namespace);
  const applicationName = unique("fs_fault");
  const store = new PostgresFeatureStore({
    connection: { connectionString: SERVER, application_name: applicationName },
    namespace,
    poolSize: 4,
    operationTimeoutMs,
  });
  await store.open();
  await store.registerFeature({ name: "n", featureType: "NUMERIC", valueType: "INT" });
  return { store, namespace, applicationName };
}

/** Terminates every server backend of `applicationName`; returns how many there were. */
async function killConnections(applicationName: string): Promise<number> {
  const { rows } = await admin.query(
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
    [applicationName],
  );
  return rows.length;
}

/** Polls the server (not the clock) until `check` holds. */
async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 20));
}

const backends = async (applicationName: string, where = "true") =>
  (
    await admin.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND ${where}`,
      [applicationName],
    )
  ).rows[0].n as number;

function codeOf(err: unknown): string {
  return err instanceof FeatureStoreError ? err.code : `not a FeatureStoreError: ${String(err)}`;
}

describe("postgres store faults", () => {
  it("fails a write in flight with BACKEND_UNAVAILABLE when its connection is killed, then recovers", async () => {
    // No operation timeout: only the lost connection can end the blocked call.
    const { store, namespace, applicationName } = await faultyStore(0);
    await store.setValue("n", "k", 1);
    await admin.query("BEGIN");
    await admin.query(`SELECT * FROM "featurestore_${namespace}".current FOR UPDATE`);
    const blocked = store.setValue("n", "k", 2);
    blocked.catch(() => undefined);
    await until(async () => (await backends(applicationName, "wait_event_type = 'Lock'")) === 1);
    expect(await killConnections(applicationName)).toBeGreaterThan(0);
    const err = await blocked.then(
      () => undefined,
      (e: unknown) => e,
    );
    await admin.query("ROLLBACK");
    expect(codeOf(err)).toBe("BACKEND_UNAVAILABLE");
    expect((err as Error).message).toMatch(/postgres connection failed.*terminating connection/);
    expect((await store.setValue("n", "k", 3)).version).toBe(2);
    expect((await store.history("n", "k")).map((h) => [h.version, h.value])).toEqual([
      [1, 1],
      [2, 3],
    ]);
    expect(await store.health()).toEqual({ ok: true, backend: "postgres" });
    await store.close();
  });

  it("keeps every acknowledged write, gap-free, while its connections are killed under load", async () => {
    const { store, applicationName } = await faultyStore(5000);
    const acks: { entity: string; version: number; value: number }[] = [];
    const failures: unknown[] = [];
    let stop = false;
    let next = 0;
    const single = async () => {
      while (!stop) {
        const value = next++;
        try {
          const written = await store.setValue("n", "hot", value);
          acks.push({ entity: "hot", version: written.version, value });
        } catch (err) {
          failures.push(err);
        }
      }
    };
    const batch = async () => {
      while (!stop) {
        const values = [next++, next++, next++];
        const entities = ["b1", "b2", "b1"];
        try {
          const written = await store.setValues(
            values.map((value, i) => ({ featureName: "n", entityId: entities[i] as string, value })),
          );
          written.forEach((w, i) => {
            acks.push({ entity: w.entityId, version: w.version, value: values[i] as number });
          });
        } catch (err) {
          failures.push(err);
        }
      }
    };
    const loops = [...Array.from({ length: 6 }, single), batch(), batch()];
    let kills = 0;
    // Kill the pool's connections whenever writes have progressed, until several kills have
    // failed calls in flight; then let the same store carry on by itself.
    while (kills < 5 || failures.length === 0) {
      if (kills >= 50) break;
      const seen = acks.length;
      await until(async () => acks.length >= seen + 20);
      if ((await killConnections(applicationName)) > 0) kills++;
    }
    const afterLastKill = acks.length;
    await until(async () => acks.length >= afterLastKill + 50);
    stop = true;
    await Promise.all(loops);

    expect(failures.length).toBeGreaterThan(0);
    for (const err of failures) expect(codeOf(err)).toBe("BACKEND_UNAVAILABLE");
    for (const entity of ["hot", "b1", "b2"]) {
      const history = await store.history("n", entity);
      expect(history.map((h) => h.version)).toEqual(Array.from({ length: history.length }, (_, i) => i + 1));
      const mine = acks.filter((a) => a.entity === entity);
      expect(new Set(mine.map((a) => a.version)).size).toBe(mine.length);
      for (const ack of mine) expect(history[ack.version - 1]?.value).toBe(ack.value);
    }
    await store.close();
  }, 60_000);

  it("has the server cancel a statement that outlives the operation timeout, so it never lands later", async () => {
    const { store, namespace, applicationName } = await faultyStore(300);
    await store.setValue("n", "k", 1);
    await admin.query("BEGIN");
    await admin.query(`SELECT * FROM "featurestore_${namespace}".current FOR UPDATE`);
    const err = await store.setValue("n", "k", 2).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(codeOf(err)).toBe("BACKEND_UNAVAILABLE");
    // Without a server-side statement timeout the write would still wait on the lock here.
    await until(async () => (await backends(applicationName, "wait_event_type = 'Lock'")) === 0);
    await admin.query("ROLLBACK");
    expect((await store.history("n", "k")).map((h) => h.value)).toEqual([1]);
    expect((await store.setValue("n", "k", 3)).version).toBe(2);
    await store.close();
  });

  it("stays up in another process when its idle connections are killed, and writes again", async () => {
    const namespace = unique("f");
    namespaces.push(namespace);
    const applicationName = unique("fs_fault");
    const script = `
      import { createInterface } from "node:readline";
      import { PostgresFeatureStore } from "./src/postgres.js";
      const store = new PostgresFeatureStore({
        connection: { connectionString: ${JSON.stringify(SERVER)}, application_name: ${JSON.stringify(applicationName)} },
        namespace: ${JSON.stringify(namespace)},
      });
      await store.registerFeature({ name: "n", featureType: "NUMERIC", valueType: "INT" });
      await Promise.all([1, 2, 3].map((i) => store.setValue("n", "k", i)));
      console.log("idle");
      await createInterface({ input: process.stdin })[Symbol.asyncIterator]().next();
      for (let i = 0; i < 5; i++) {
        await store.setValue("n", "k", i).then(
          (w) => console.log("ok", w.version),
          (e) => console.log("failed", e.code),
        );
      }
      await store.close();
    `;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: ROOT,
      env: { ...process.env, FEATURESTORE_LOG_LEVEL: "silent" },
    });
    let out = "";
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("idle\n")) resolve();
      });
      exited.then((code) => reject(new Error(`child exited (${code}): ${stderr}`)));
    });
    expect(await killConnections(applicationName)).toBeGreaterThan(0);
    await until(async () => (await backends(applicationName)) === 0);
    child.stdin.end("go\n");
    expect(await exited, stderr).toBe(0);
    const lines = out.trim().split("\n").slice(1);
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(line).toMatch(/^(ok \d+|failed BACKEND_UNAVAILABLE)$/);
    expect(lines.at(-1)).toMatch(/^ok/);
    const versions = lines.filter((l) => l.startsWith("ok")).map((l) => Number(l.split(" ")[1]));
    expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => i + 4));
  }, 60_000);
});
