import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { ROOT } from "./server-process.js";

/** Runs the server on a terminal (util-linux `script` gives it a pseudo-terminal) until it listens. */
async function outputOnATerminal(): Promise<string> {
  const command = `${process.execPath} --import tsx src/cli/main.ts`;
  const child = spawn("script", ["-qfec", command, "/dev/null"], {
    cwd: ROOT,
    env: {
      ...process.env,
      FEATURESTORE_LOG_LEVEL: "info",
      NODE_ENV: "",
      PORT: "0",
      FEATURESTORE_URL: "memory://",
    },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so the server under `script` is stopped with it.
    detached: true,
  });
  let output = "";
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        output += chunk;
        if (output.includes("listening")) resolve();
      });
      child.once("exit", () => reject(new Error(`exited before listening:\n${output}`)));
    });
  } finally {
    const exited = once(child, "exit");
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, "SIGTERM");
    await exited;
  }
  return output;
}

describe("logs on a terminal", () => {
  it("are pretty lines for a person, not JSON", async () => {
    const output = await outputOnATerminal();
    const line = output.split(/\r?\n/).find((l) => l.includes("listening")) ?? "";
    expect(line).toContain("INFO");
    expect(line.trimStart().startsWith("{")).toBe(false);
    expect(output).not.toContain('"level":30');
  });
});
