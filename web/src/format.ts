/** How the explorer writes values, instants, durations and counts, in one place. */

const numberFormat = new Intl.NumberFormat("en", { maximumFractionDigits: 4 });
const countFormat = new Intl.NumberFormat("en");
const percentFormat = new Intl.NumberFormat("en", { style: "percent", maximumFractionDigits: 1 });

/** A number as a person reads it: grouped thousands, at most four decimals. */
export function formatNumber(n: number | null | undefined): string {
  return n == null ? "–" : numberFormat.format(n);
}

/** A count: grouped thousands. */
export function formatCount(n: number | null | undefined): string {
  return n == null ? "–" : countFormat.format(n);
}

/** A share between 0 and 1 as a percentage. */
export function formatShare(share: number | null | undefined): string {
  return share == null ? "–" : percentFormat.format(share);
}

/** A feature value: text as it is (an empty text as `""`), numbers formatted, lists and objects as compact JSON. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "number") return formatNumber(value);
  // An empty string would show as nothing at all.
  if (typeof value === "string") return value === "" ? '""' : value;
  if (typeof value === "boolean") return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === "number")) {
    return `[${value.map((v) => numberFormat.format(v)).join(", ")}]`;
  }
  return JSON.stringify(value);
}

/** A duration in seconds, in its largest whole unit or two: "3 d 4 h", "12 min", "40 s". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null) return "–";
  const s = Math.abs(Math.round(seconds));
  const units: [string, number][] = [
    ["d", 86_400],
    ["h", 3_600],
    ["min", 60],
    ["s", 1],
  ];
  const parts: string[] = [];
  let rest = s;
  for (const [unit, size] of units) {
    if (rest >= size || (unit === "s" && parts.length === 0)) {
      parts.push(`${Math.floor(rest / size)} ${unit}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return (seconds < 0 ? "-" : "") + parts.join(" ");
}

/** An instant in the person's time zone, to the second: "2026-12-04 14:05:09". */
export function formatInstant(iso: string | null | undefined): string {
  if (!iso) return "–";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(
    date.getMinutes(),
  )}:${pad(date.getSeconds())}`;
}

/** How long ago an instant was, from `now` (ms): "3 d 4 h ago". */
export function formatAgo(iso: string | null | undefined, now: number): string {
  if (!iso) return "never";
  return `${formatDuration((now - new Date(iso).getTime()) / 1000)} ago`;
}

/** A `datetime-local` input's value (local time, to the minute) for an ISO instant. */
export function toLocalInput(iso: string): string {
  const date = new Date(iso);
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/** The ISO instant of a `datetime-local` input's value; undefined when it is empty or invalid. */
export function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
