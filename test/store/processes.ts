import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { openStore } from "../../src/index.js";

const WRITER = fileURLToPath(new URL("./fixtures/writer.ts", import.meta.url));

/** A writer child process (see fixtures/writer.ts) and the acknowledged writes it printed so far. */
export interface WriterProcess {
  child: ChildProcessWithoutNullStreams;
  /** `[version, value]` of every write the child saw acknowledged. */
  acks: [number, number][];
  /** Resolves with the exit code (or signal name) once the child has ended. */
  exited: Promise<number | string>;
  /** Resolves when at least `n` acknowledgements have arrived. */
  acked(n: number): Promise<void>;
}

/** Starts a writer process on `url` writing `count` values (0: until killed). */
export function startWriter(url: string, label: string, count: number): WriterProcess {
  const child = spawn(process.execPath, ["--import", "tsx", WRITER, url, label, String(count)], {
    env: { ...process.env, FEATURESTORE_LOG_LEVEL: "silent" },
  });
  const acks: [number, number][] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  let buffer = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split("\n");
    buffer = lines.pop() ?? "";
    for (const line of lines) {
      const [, version, value] = line.split(" ");
      if (line.startsWith(`${label} `)) acks.push([Number(version), Number(value)]);
    }
    for (const w of waiters.filter((w) => acks.length >= w.n)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  const exited = new Promise<number | string>((resolve) => {
    child.on("exit", (code, signal) => {
      if (code !== 0 && signal === null) process.stderr.write(stderr);
      resolve(code ?? signal ?? -1);
    });
  });
  const acked = (n: number) =>
    acks.length >= n
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          waiters.push({ n, resolve });
          exited.then((code) =>
            reject(new Error(`writer exited (${code}) after ${acks.length} acks: ${stderr}`)),
          );
        });
  return { child, acks, exited, acked };
}

/**
 * Runs `count` writer processes on one key of the store at `url` until each has `acks`
 * acknowledged writes, kills them, and checks what every backend must guarantee: the writers
 * overlapped (some writer's versions have another's among them), no version was handed out twice,
 * the history is exactly 1..n, and every acknowledged value is there under its version.
 */
export async function expectConcurrentWritersGapFree(url: string, count = 3, acks = 300): Promise<void> {
  const writers = Array.from({ length: count }, (_, i) => startWriter(url, `w${i}`, 0));
  await Promise.all(writers.map((w) => w.acked(acks)));
  for (const w of writers) w.child.kill("SIGKILL");
  expect(await Promise.all(writers.map((w) => w.exited))).toEqual(writers.map(() => "SIGKILL"));
  const acked = writers.flatMap((w) => w.acks.map(([v]) => v));
  expect(new Set(acked).size).toBe(acked.length);
  // The writers overlapped: some writer's versions have another's among them. (Not every writer:
  // SQLite's lock may let one run alone for a while, which is fair enough.)
  const interrupted = writers.filter((w) => {
    const own = w.acks.map(([v]) => v);
    return (own.at(-1) as number) - (own[0] as number) + 1 > own.length;
  });
  expect(interrupted.length).toBeGreaterThan(0);
  const store = await openStore(url);
  try {
    const history = await store.history("counter", "shared");
    expect(history.map((h) => h.version)).toEqual(Array.from({ length: history.length }, (_, i) => i + 1));
    for (const w of writers) for (const [v, value] of w.acks) expect(history[v - 1]?.value).toBe(value);
    // A write in flight at the kill may have landed without its acknowledgement being read.
    expect(history.length).toBeGreaterThanOrEqual(acked.length);
  } finally {
    await store.close();
  }
}
