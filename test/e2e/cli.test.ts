import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ServerProcess } from "./server-process.js";

const blockers: Server[] = [];

afterEach(() => {
  for (const blocker of blockers.splice(0)) blocker.close();
});

/**
 * Asserts that the command failed with `code` and said why in one readable line on stderr,
 * with no stack trace in its output (nor a log of a crash).
 */
function expectOneLineFailure(run: ServerProcess, code: number, reason: RegExp): void {
  expect(run.child.exitCode, run.log()).toBe(code);
  const plain = run.lines.filter((line) => line.level === 0).map((line) => line.msg);
  expect(plain).toEqual([expect.stringMatching(/^featurestore: /)]);
  expect(plain[0]).toMatch(reason);
  // Log lines are JSON: a stack's line breaks show there as the two characters \n.
  expect(run.log()).not.toMatch(/\\n\s+at /);
  expect(run.lines.filter((line) => line.level >= 50)).toEqual([]);
}

/** A port something else is listening on. */
async function portInUse(): Promise<number> {
  const blocker = createServer();
  blockers.push(blocker);
  blocker.listen(0, "127.0.0.1");
  await once(blocker, "listening");
  const address = blocker.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe("the featurestore command", () => {
  it("lists its commands with --help, and the server's options with serve --help", async () => {
    const help = await ServerProcess.runToExit(["--help"]);
    expect(await help.exited()).toBe(0);
    expect(help.stdout).toMatch(/^Usage: featurestore /);
    expect(help.stdout).toMatch(/^\s+serve \[options\]/m);

    const serveHelp = await ServerProcess.runToExit(["serve", "--help"]);
    expect(await serveHelp.exited()).toBe(0);
    expect(serveHelp.stdout).toMatch(/^Usage: featurestore serve /);
    expect(serveHelp.stdout).toContain("FEATURESTORE_URL");
    expect(serveHelp.stdout).toContain("--max-entity-ids");
    expect(serveHelp.stdout).toMatch(/--\[no-\]demo-data/);
  });

  it("refuses an unknown flag, a positional argument and a bad store URL with one line and exit 2", async () => {
    expectOneLineFailure(
      await ServerProcess.runToExit(["--no-such-flag"]),
      2,
      /unknown option '--no-such-flag'/,
    );
    expectOneLineFailure(await ServerProcess.runToExit(["serve", "extra"]), 2, /too many arguments/);
    expectOneLineFailure(await ServerProcess.runToExit(["--port", "http"]), 2, /--port must be an integer/);
    expectOneLineFailure(
      await ServerProcess.runToExit([], { FEATURESTORE_URL: "ftp://nowhere" }),
      2,
      /unsupported store URL/,
    );
  });

  it("refuses a Redis database the server does not have instead of writing to database 0", async () => {
    expectOneLineFailure(
      await ServerProcess.runToExit([], {
        FEATURESTORE_URL: "redis://127.0.0.1:6379/99?namespace=e2e_wrong_db",
      }),
      2,
      /has no database 99/,
    );
  });

  it("refuses an unknown log level with one line instead of crashing with a stack trace", async () => {
    const run = await ServerProcess.runToExit(["--port", "0"], {
      FEATURESTORE_LOG_LEVEL: "loud",
      FEATURESTORE_URL: "memory://",
    });
    expectOneLineFailure(run, 2, /FEATURESTORE_LOG_LEVEL must be one of .*info.*not "loud"/);
    expectOneLineFailure(
      await ServerProcess.runToExit(["--log-level", "loud", "--store-url", "memory://"]),
      2,
      /--log-level must be one of/,
    );
  });

  it("says in one line that the port is in use, having loaded no demo data", async () => {
    const port = await portInUse();
    const run = await ServerProcess.runToExit(["serve", "--port", String(port), "--store-url", "memory://"]);
    expectOneLineFailure(run, 1, new RegExp(`address already in use 127\\.0\\.0\\.1:${port}`));
    expect(run.lines.some((line) => String(line.msg).startsWith("loaded the demo data"))).toBe(false);
  });

  it("refuses several workers over a memory store with one line and exit 2", async () => {
    expectOneLineFailure(
      await ServerProcess.runToExit(["--workers", "2", "--port", "0", "--store-url", "memory://"]),
      2,
      /2 workers cannot serve a memory store/,
    );
  });

  it("says in one line that the port is in use with several workers, starting none again", async () => {
    const port = await portInUse();
    const dir = await mkdtemp(join(tmpdir(), "fs-cli-workers-"));
    try {
      const run = await ServerProcess.runToExit([
        "--workers",
        "2",
        "--port",
        String(port),
        "--store-url",
        `sqlite://${join(dir, "features.db")}`,
      ]);
      expectOneLineFailure(run, 1, new RegExp(`EADDRINUSE 127\\.0\\.0\\.1:${port}`));
      expect(run.lines.some((line) => String(line.msg).startsWith("a worker died"))).toBe(false);
      expect(run.lines.some((line) => String(line.msg).startsWith("loaded the demo data"))).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // Three processes start from source: slow on a loaded machine.
  }, 120_000);

  it("says in one line that the store cannot be reached", async () => {
    // Nothing listens on port 1: the connection is refused.
    const run = await ServerProcess.runToExit([
      "--port",
      "0",
      "--store-url",
      "postgres://postgres@127.0.0.1:1/test?namespace=cli_unreachable",
    ]);
    expectOneLineFailure(run, 1, /postgres connection failed/);
  });
});
