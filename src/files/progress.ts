/** What a long file operation reports as it goes. */
export interface ProgressReport {
  /** Rows handled so far. */
  readonly rows: number;
  /** The fraction of the input read (0..1), when its size is known. */
  readonly fraction: number | undefined;
}

/** A progress display: told of progress as it happens, finished once. */
export interface ProgressDisplay {
  update(report: ProgressReport): void;
  finish(report: ProgressReport): void;
}

/** How often the line is redrawn at most, in milliseconds. */
const REDRAW_MS = 250;

function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

/**
 * A one-line progress display on a terminal: rows done, rows per second and, when the input's
 * size is known, the share done and the time left. On anything but a terminal (a pipe, a log
 * file, CI) it prints nothing, so output stays clean for machines.
 *
 * @example
 * ```ts
 * const progress = progressDisplay("import");
 * await importFile(store, { ..., onProgress: (p) => progress.update(p) });
 * ```
 */
export function progressDisplay(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
  clock: () => number = Date.now,
): ProgressDisplay {
  const started = clock();
  let drawn = 0;
  const line = ({ rows, fraction }: ProgressReport) => {
    const seconds = (clock() - started) / 1000;
    const rate = seconds > 0 ? rows / seconds : 0;
    let text = `${label}: ${rows.toLocaleString("en-US")} rows, ${Math.round(rate).toLocaleString("en-US")} rows/s`;
    if (fraction !== undefined && fraction > 0) {
      text += `, ${Math.floor(fraction * 100)}%, ETA ${duration((seconds / fraction) * (1 - fraction))}`;
    }
    return text;
  };
  return {
    update(report) {
      if (!stream.isTTY) return;
      const now = clock();
      if (now - drawn < REDRAW_MS) return;
      drawn = now;
      stream.write(`\r\u001b[2K${line(report)}`);
    },
    finish(report) {
      if (!stream.isTTY) return;
      stream.write(
        `\r\u001b[2K${line({ ...report, fraction: undefined })}, done in ${duration((clock() - started) / 1000)}\n`,
      );
    },
  };
}
