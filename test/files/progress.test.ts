import { describe, expect, it } from "vitest";
import { progressDisplay } from "../../src/files/progress.js";

/** A stand-in for process.stderr that records what is written. */
function terminal(isTTY: boolean) {
  const written: string[] = [];
  const stream = { isTTY, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream;
  return { stream, written };
}

describe("progressDisplay", () => {
  it("shows rows, rows/s, share and ETA on a terminal, redrawn at most every 250 ms", () => {
    const { stream, written } = terminal(true);
    let now = 0;
    const display = progressDisplay("join", stream, () => now);
    now = 2000;
    display.update({ rows: 50_000, fraction: 0.25 });
    now = 2100;
    display.update({ rows: 51_000, fraction: 0.26 });
    now = 8000;
    display.finish({ rows: 200_000, fraction: 1 });
    expect(written).toEqual([
      "\r\u001b[2Kjoin: 50,000 rows, 25,000 rows/s, 25%, ETA 0:06",
      "\r\u001b[2Kjoin: 200,000 rows, 25,000 rows/s, done in 0:08\n",
    ]);
  });

  it("prints nothing when the stream is not a terminal", () => {
    const { stream, written } = terminal(false);
    const display = progressDisplay("import", stream, () => 1000);
    display.update({ rows: 10, fraction: undefined });
    display.finish({ rows: 10, fraction: undefined });
    expect(written).toEqual([]);
  });
});
