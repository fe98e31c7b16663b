import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { ServerProcess } from "./server-process.js";

const dir = mkdtempSync(join(tmpdir(), "featurestore-npm-start-"));
const serverPids: number[] = [];

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

afterEach(() => {
  // A server that outlived npm would keep its port and the store: end it (test cleanup only).
  for (const pid of serverPids.splice(0)) if (isRunning(pid)) process.kill(pid, "SIGKILL");
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function connects(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

describe("npm start", () => {
  it("serves the compiled command, and SIGTERM sent to npm reaches the server, which drains and exits 0", async () => {
    const npm = await ServerProcess.startNpm({
      PORT: "0",
      FEATURESTORE_URL: `sqlite://${join(dir, "features.db")}`,
    });
    serverPids.push(npm.pid);
    try {
      // The server is a process of its own, not npm: the signal has to be passed on to it.
      expect(npm.pid).not.toBe(npm.child.pid);
      const reply = await fetch(npm.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: '{ vector(entityId: "user-1", featureNames: ["age"]) { values } }' }),
      });
      expect(await reply.json()).toEqual({ data: { vector: { values: { age: 31 } } } });

      npm.child.kill("SIGTERM");
      expect(await npm.exited()).toBe(0);
      expect(npm.lines.map((line) => line.msg)).toEqual(expect.arrayContaining(["shutting down", "stopped"]));
      expect(isRunning(npm.pid)).toBe(false);
      expect(await connects(npm.url)).toBe(false);
    } finally {
      npm.kill();
    }
  }, 180_000);
});
