import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { BackendUnavailableError, logger, openStore } from "../../src/index.js";
import { RedisFeatureStore } from "../../src/redis.js";
import { errorCode } from "../../src/testing.js";

/**
 * A private redis-server (never the shared one on 6379) that this file may kill and restart.
 * Append-only file with fsync on every write, so whatever Redis acknowledged survives SIGKILL.
 */
const dir = mkdtempSync(join(tmpdir(), "featurestore-redis-fault-"));
let port = 0;
let server: ChildProcess | undefined;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port: free } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return free;
}

/** Starts a redis-server with `args` on `serverPort` and waits until it answers PING. */
async function launch(serverPort: number, args: string[], log: string): Promise<ChildProcess> {
  const child = spawn("redis-server", ["--port", String(serverPort), "--bind", "127.0.0.1", ...args], {
    stdio: "ignore",
  });
  const probe = new Redis({
    port: serverPort,
    lazyConnect: true,
    retryStrategy: () => 50,
    maxRetriesPerRequest: 0,
  });
  probe.on("error", () => undefined);
  try {
    await vi.waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(readFileSync(log, "utf8"));
        if (probe.status === "wait") await probe.connect();
        expect(await probe.ping()).toBe("PONG");
      },
      { timeout: 15_000, interval: 50 },
    );
  } finally {
    probe.disconnect();
  }
  return child;
}

async function startServer(): Promise<void> {
  const log = join(dir, "redis.log");
  const args = [
    "--dir",
    dir,
    "--save",
    "",
    "--appendonly",
    "yes",
    "--appendfsync",
    "always",
    "--logfile",
    log,
  ];
  server = await launch(port, args, log);
}

async function killServer(): Promise<void> {
  const child = server;
  server = undefined;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

const unexpected: unknown[] = [];
const record = (err: unknown) => unexpected.push(err);

beforeAll(async () => {
  port = await freePort();
  await startServer();
  process.on("unhandledRejection", record);
  process.on("uncaughtException", record);
});

afterAll(async () => {
  process.off("unhandledRejection", record);
  process.off("uncaughtException", record);
  await killServer();
  rmSync(dir, { recursive: true, force: true });
});

const url = (namespace: string) => `redis://127.0.0.1:${port}/0?namespace=${namespace}`;

describe("redis store faults", () => {
  it("fails fast when Redis dies, loses no acknowledged write, and recovers by itself", async () => {
    const store = await openStore(url("crash"), { operationTimeoutMs: 3000 });
    await store.registerFeature({ name: "n", featureType: "NUMERIC", valueType: "INT" });
    // Each batch writes the same value to two entities: MULTI/EXEC lands both or neither.
    const acked: { value: number; left: number; right: number }[] = [];
    const writing = (async () => {
      for (let value = 0; ; value++) {
        try {
          const [left, right] = await store.setValues([
            { featureName: "n", entityId: "left", value },
            { featureName: "n", entityId: "right", value },
          ]);
          acked.push({ value, left: left?.version as number, right: right?.version as number });
        } catch (err) {
          return err;
        }
      }
    })();
    await vi.waitFor(() => expect(acked.length).toBeGreaterThanOrEqual(300), { timeout: 20_000 });
    await killServer();

    const failure = await writing;
    expect(failure).toBeInstanceOf(BackendUnavailableError);
    expect((failure as BackendUnavailableError).code).toBe("BACKEND_UNAVAILABLE");
    // Failed by the lost connection itself, not by the operation timeout.
    expect((failure as Error).message).toMatch(
      new RegExp(`redis at 127\\.0\\.0\\.1:${port}/0 .* unreachable`),
    );
    expect((failure as Error).message).not.toMatch(/did not answer/);
    expect(await errorCode(store.getValue("n", "left"))).toBe("BACKEND_UNAVAILABLE");
    expect(await errorCode(store.setValue("n", "left", -1))).toBe("BACKEND_UNAVAILABLE");
    const down = await store.health();
    expect(down.ok).toBe(false);
    expect(down.detail).toMatch(/unreachable/);

    await startServer();
    await vi.waitFor(async () => expect((await store.health()).ok).toBe(true), {
      timeout: 15_000,
      interval: 100,
    });
    const left = await store.history("n", "left");
    const right = await store.history("n", "right");
    for (const { value, left: l, right: r } of acked) {
      expect(left[l - 1]).toMatchObject({ version: l, value });
      expect(right[r - 1]).toMatchObject({ version: r, value });
    }
    expect(left.map((h) => h.value)).toEqual(right.map((h) => h.value));
    expect(left.map((h) => h.version)).toEqual(left.map((_, i) => i + 1));
    expect(left.length).toBeGreaterThanOrEqual(acked.length);
    expect((await store.setValue("n", "left", 42)).version).toBe(left.length + 1);
    expect((await store.getValue("n", "left"))?.value).toBe(42);
    await store.close();
    expect(unexpected).toEqual([]);
  }, 60_000);

  it("opens once Redis is back, after failing while it was down", async () => {
    await killServer();
    const store = RedisFeatureStore.fromUrl(url("late"), { operationTimeoutMs: 3000 });
    expect(await errorCode(store.open())).toBe("BACKEND_UNAVAILABLE");
    await startServer();
    await store.open();
    await store.registerFeature({ name: "n", featureType: "NUMERIC", valueType: "INT" });
    expect((await store.setValue("n", "u", 1)).version).toBe(1);
    await store.close();
    expect(unexpected).toEqual([]);
  }, 60_000);

  it("reloads its scripts when the server has lost them, applying each write once", async () => {
    const store = await openStore(url("scripts"));
    await store.registerFeature({ name: "n", featureType: "NUMERIC", valueType: "INT" });
    await store.setValue("n", "a", 1);
    const admin = new Redis(port);
    await admin.script("FLUSH");
    const batch = await store.setValues([
      { featureName: "n", entityId: "a", value: 2 },
      { featureName: "n", entityId: "b", value: 3 },
    ]);
    expect(batch.map((v) => v.version)).toEqual([2, 1]);
    await admin.script("FLUSH");
    expect((await store.setValue("n", "a", 4)).version).toBe(3);
    await admin.script("FLUSH");
    expect((await store.getValue("n", "a", { asOf: new Date() }))?.value).toBe(4);
    await admin.script("FLUSH");
    expect((await store.getVectors(["a", "b"], ["n"])).map((v) => v.values.n)).toEqual([4, 3]);
    expect((await store.history("n", "a")).map((h) => h.value)).toEqual([1, 2, 4]);
    expect((await store.history("n", "b")).map((h) => h.value)).toEqual([3]);
    await admin.quit();
    await store.close();
  });
  it("opens a durable server without a warning, and one that refuses CONFIG unchecked", async () => {
    const persistence = (calls: unknown[][]) =>
      calls.filter(([, message]) => String(message).includes("persistence"));
    const warn = vi.spyOn(logger, "warn");
    const info = vi.spyOn(logger, "info");
    const refusingPort = await freePort();
    const log = join(dir, "refusing.log");
    // A managed-service stand-in: CONFIG renamed away, so every CONFIG command is refused.
    const refusing = await launch(
      refusingPort,
      ["--save", "", "--appendonly", "no", "--rename-command", "CONFIG", "", "--logfile", log],
      log,
    );
    try {
      const durable = await openStore(url("durable"));
      await durable.close();
      expect(persistence(warn.mock.calls)).toEqual([]);

      const store = await openStore(`redis://127.0.0.1:${refusingPort}/0?namespace=refusing`);
      await store.registerFeature({ name: "n", featureType: "NUMERIC", valueType: "INT" });
      expect((await store.setValue("n", "u", 1)).version).toBe(1);
      await store.close();
      expect(persistence(warn.mock.calls)).toEqual([]);
      expect(info.mock.calls.some(([, message]) => /refused CONFIG GET/.test(String(message)))).toBe(true);
    } finally {
      warn.mockRestore();
      info.mockRestore();
      const exited = new Promise((resolve) => refusing.once("exit", resolve));
      refusing.kill("SIGKILL");
      await exited;
    }
  });
});
