/** A column of a {@link markdownTable}: its heading and which side its cells line up on. */
export interface Column {
  readonly title: string;
  readonly align?: "left" | "right";
}

/**
 * Renders rows as a GitHub-flavoured markdown table, padded so it also reads well as plain
 * text in a terminal.
 */
export function markdownTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) => Math.max(c.title.length, 3, ...rows.map((r) => (r[i] ?? "").length)));
  const cell = (text: string, i: number): string => {
    const width = widths[i] as number;
    return columns[i]?.align === "right" ? text.padStart(width) : text.padEnd(width);
  };
  const line = (cells: readonly string[]): string => `| ${cells.map(cell).join(" | ")} |`;
  const rule = columns.map((c, i) => {
    const dashes = "-".repeat(widths[i] as number);
    return c.align === "right" ? `${dashes.slice(1)}:` : dashes;
  });
  return [line(columns.map((c) => c.title)), `| ${rule.join(" | ")} |`, ...rows.map(line)].join("\n");
}

/** A duration in nanoseconds with three significant digits, in µs, ms or s, whichever keeps it below 1000. */
export function formatDuration(ns: number): string {
  if (!Number.isFinite(ns)) return "n/a";
  const [amount, unit] = ns < 1e6 ? [ns / 1e3, "µs"] : ns < 1e9 ? [ns / 1e6, "ms"] : [ns / 1e9, "s"];
  return `${Number(amount.toPrecision(3))} ${unit}`;
}

/** A rate per second with three significant digits and thousands separators, e.g. `1,230,000`. */
export function formatRate(perSec: number): string {
  if (!Number.isFinite(perSec)) return "n/a";
  const rounded = Number(perSec.toPrecision(3));
  return rounded.toLocaleString("en-US", { maximumFractionDigits: 1 });
}
