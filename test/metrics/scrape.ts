import parsePrometheusTextFormat, { type ParsedFamily } from "parse-prometheus-text-format";
import { expect } from "vitest";

/**
 * A parsed scrape of `/metrics`, with lookups by metric name and labels.
 *
 * The parser folds every series of a histogram into one and drops their labels, so a histogram
 * is also read as what the text format makes it of: plain `_bucket`, `_count` and `_sum` series,
 * by parsing the text once more with the histograms' TYPE lines made `untyped`.
 */
export class Scrape {
  private readonly families: Map<string, ParsedFamily>;
  private readonly series: Map<string, ParsedFamily>;

  constructor(readonly text: string) {
    this.families = new Map(parsePrometheusTextFormat(text).map((family) => [family.name, family]));
    const flat = text.replace(/^(# TYPE \S+) histogram$/gm, "$1 untyped");
    // A histogram's series interleave (_bucket, _sum, _count of one label set, then the next),
    // so each of them comes back as several families of one name: merged here.
    this.series = new Map();
    for (const family of parsePrometheusTextFormat(flat)) {
      const seen = this.series.get(family.name);
      if (seen) seen.metrics.push(...family.metrics);
      else this.series.set(family.name, family);
    }
  }

  /** The family of `name`; fails the test when it is missing. */
  family(name: string): ParsedFamily {
    const family = this.families.get(name);
    expect(family, `metric ${name}`).toBeDefined();
    return family as ParsedFamily;
  }

  /** Whether the scrape has the family `name`. */
  has(name: string): boolean {
    return this.families.has(name);
  }

  /** The names of every family. */
  names(): string[] {
    return [...this.families.keys()];
  }

  /** The value of a series (a counter, a gauge, or a histogram's `_count`) with exactly these labels; 0 when absent. */
  value(name: string, labels: Record<string, string> = {}): number {
    const wanted = JSON.stringify(Object.entries(labels).sort());
    const sample = this.series
      .get(name)
      ?.metrics.find((m) => JSON.stringify(Object.entries(m.labels ?? {}).sort()) === wanted);
    return sample?.value === undefined ? 0 : Number(sample.value);
  }

  /** The count and sum of a histogram's series with exactly these labels; zeros when absent. */
  histogram(name: string, labels: Record<string, string> = {}): { count: number; sum: number } {
    expect(this.family(name).type).toBe("HISTOGRAM");
    return { count: this.value(`${name}_count`, labels), sum: this.value(`${name}_sum`, labels) };
  }

  /** Every label set of `name`'s series (of its `_count` series, for a histogram). */
  labelSets(name: string): Record<string, string>[] {
    const family = this.families.get(name);
    const series = family?.type === "HISTOGRAM" ? this.series.get(`${name}_count`) : family;
    return (series?.metrics ?? []).map((m) => m.labels ?? {});
  }
}

/** GETs `/metrics` from an app (or anything with `fetch`) and parses it. */
export async function scrape(
  app: { fetch(url: string, init?: RequestInit): Response | Promise<Response> },
  headers: Record<string, string> = {},
): Promise<Scrape> {
  const response = await app.fetch("http://localhost/metrics", { headers });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return new Scrape(await response.text());
}
