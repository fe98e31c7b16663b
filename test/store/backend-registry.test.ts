import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import {
  type BackendDescriptor,
  dropStore,
  MemoryBackend,
  openChangeFeed,
  openStore,
  registerBackend,
  storeSchemes,
} from "../../src/index.js";
import { errorCode } from "../../src/testing.js";

const run = promisify(execFile);
const PROBE = fileURLToPath(new URL("./fixtures/loaded-drivers.ts", import.meta.url));

async function driversLoadedFor(url: string): Promise<string[]> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", PROBE, url], {
    env: { ...process.env, FEATURESTORE_LOG_LEVEL: "silent" },
  });
  return JSON.parse(stdout.trim().split("\n").at(-1) as string);
}

describe("backends as plug-ins", () => {
  it("loads only the driver of the backend a URL names", async () => {
    // A namespace of this run's own: a fixed one may hold a schema another version wrote.
    const namespace = `registry_probe_${process.pid}`;
    const redis = `redis://127.0.0.1:6379/0?namespace=${namespace}`;
    const cluster = `redis+cluster://127.0.0.1:7000,127.0.0.1:7001/?namespace=${namespace}`;
    const postgres = `postgres://postgres@127.0.0.1:5432/test?namespace=${namespace}`;
    try {
      expect(await driversLoadedFor("memory://")).toEqual([]);
      expect(await driversLoadedFor("sqlite://:memory:")).toEqual(["better-sqlite3"]);
      expect(await driversLoadedFor(redis)).toEqual(["ioredis"]);
      expect(await driversLoadedFor(cluster)).toEqual(["ioredis"]);
      expect(await driversLoadedFor(postgres)).toEqual(["pg"]);
    } finally {
      await dropStore(redis);
      await dropStore(cluster);
      await dropStore(postgres);
    }
  }, 60_000);

  it("opens a backend registered by its descriptor, with no change to the library", async () => {
    const opened: string[] = [];
    const descriptor: BackendDescriptor = {
      name: "memory",
      schemes: ["scratch-mem"],
      async open(url) {
        opened.push(url);
        return new MemoryBackend();
      },
    };
    registerBackend(descriptor);
    expect(storeSchemes()).toContain("scratch-mem");
    const store = await openStore("scratch-mem://anything");
    await store.registerFeature({ name: "x", featureType: "NUMERIC", valueType: "INT" });
    expect((await store.setValue("x", "u", 1)).version).toBe(1);
    expect(opened).toEqual(["scratch-mem://anything"]);
    // Without a change feed of its own, replicas' changes stay in process.
    const feed = await openChangeFeed("scratch-mem://anything");
    expect(feed.transport).toBe("in-process");
    await feed.close();
    await store.close();
  });

  it("refuses an unknown scheme naming those it knows, and a malformed one to register", async () => {
    expect(await errorCode(openStore("nosuch://x"))).toBe("INVALID_CONFIG");
    await expect(openStore("nosuch://user:s3cret@x")).rejects.toThrow(/memory:\/\/, sqlite:\/\//);
    await expect(openStore("nosuch://user:s3cret@x")).rejects.not.toThrow(/s3cret/);
    expect(() =>
      registerBackend({ name: "x", schemes: ["Bad Scheme"], open: async () => new MemoryBackend() }),
    ).toThrow(/invalid URL scheme/);
  });
});
