import type pg from "pg";
import type { EntityPage, EntityPageQuery } from "../entity-page.js";
import type { EntryKey, StoredEntry } from "../entry.js";
import type { FeatureSummary, MeasureSummary, SummaryMeasure, SummaryRequest } from "../feature-summary.js";
import type { HistoryPageQuery } from "../history-page.js";

/** Each measure of a stored payload (the codec's JSON text) as SQL over `p`. */
const MEASURES: Record<SummaryMeasure, string> = {
  value: "p::float8",
  norm: "(SELECT sqrt(coalesce(sum(e::float8 * e::float8), 0)) FROM jsonb_array_elements_text(p::jsonb) e)",
  length: "char_length(p::jsonb #>> '{}')",
};

/** The bin of `x` among `bins` over [lo, hi], as `binIndex` computes it. */
const bin = (x: string, lo: string, hi: string, bins: string) =>
  `CASE WHEN ${hi} = ${lo} THEN 0 ELSE least(${bins} - 1, floor((${x} - ${lo}) / ((${hi} - ${lo}) / ${bins}::float8))::int) END`;

/**
 * The one statement that summarizes a feature: $1 feature, $2 now, $3 live since (or null),
 * $4 bins, $5 top values, $6/$7 the writes window (either may be null), $8 write buckets. The
 * entries in force are each key's current row, unless it is dated ahead of now, when the
 * history entry in force at now takes its place. One statement, so one snapshot: the figures
 * agree with each other. The answer is one JSON object.
 */
function summaryStatement(s: string, measure: SummaryMeasure | null): string {
  const x = measure === null ? "NULL::float8" : MEASURES[measure];
  return `
    WITH cur AS (
      SELECT event_time AS t, payload AS p FROM ${s}.current WHERE feature = $1 AND event_time <= $2::bigint
      UNION ALL
      SELECT h.event_time, h.payload FROM ${s}.current c CROSS JOIN LATERAL (
        SELECT y.event_time, y.payload FROM ${s}.history y
        WHERE y.feature = c.feature AND y.entity = c.entity AND y.event_time <= $2::bigint
        ORDER BY y.event_time DESC, y.version DESC LIMIT 1) h
      WHERE c.feature = $1 AND c.event_time > $2::bigint),
    live AS (SELECT p FROM cur WHERE p IS NOT NULL AND ($3::bigint IS NULL OR t >= $3::bigint)),
    counts AS (SELECT
      count(*) FILTER (WHERE p IS NOT NULL AND ($3::bigint IS NULL OR t >= $3::bigint)) AS live,
      count(*) FILTER (WHERE p IS NOT NULL AND t < $3::bigint) AS expired,
      count(*) FILTER (WHERE p IS NULL) AS deleted FROM cur),
    m AS (SELECT ${x} AS x FROM live),
    agg AS (SELECT count(x) AS n, min(x) AS lo, max(x) AS hi, avg(x) AS mean, var_pop(x) AS variance FROM m),
    bins AS (SELECT ${bin("x", "agg.lo", "agg.hi", "$4::int")} AS b, count(*) AS n FROM m, agg
             WHERE x IS NOT NULL GROUP BY 1),
    top AS (SELECT p, count(*) AS n FROM live GROUP BY p ORDER BY n DESC, p COLLATE "C" LIMIT $5::int),
    times AS (SELECT min(event_time) AS first, max(event_time) AS last FROM ${s}.history WHERE feature = $1),
    win AS (SELECT coalesce($6::bigint, first) AS lo, coalesce($7::bigint, last) AS hi FROM times),
    writes AS (SELECT ${bin("h.event_time", "win.lo", "win.hi", "$8::int")} AS b,
                 count(*) FILTER (WHERE h.payload IS NOT NULL) AS v, count(*) FILTER (WHERE h.payload IS NULL) AS d
               FROM ${s}.history h, win WHERE h.feature = $1 AND h.event_time BETWEEN win.lo AND win.hi GROUP BY 1)
    SELECT json_build_object(
      'live', (SELECT live FROM counts), 'expired', (SELECT expired FROM counts),
      'deleted', (SELECT deleted FROM counts),
      'first', (SELECT first FROM times), 'last', (SELECT last FROM times),
      'distinct', (SELECT count(DISTINCT p) FROM live),
      'top', (SELECT coalesce(json_agg(json_build_array(p, n) ORDER BY n DESC, p COLLATE "C"), '[]') FROM top),
      'agg', (SELECT row_to_json(agg) FROM agg),
      'bins', (SELECT coalesce(json_agg(json_build_array(b, n)), '[]') FROM bins),
      'window', (SELECT json_build_array(lo, hi) FROM win),
      'writes', (SELECT coalesce(json_agg(json_build_array(b, v, d)), '[]') FROM writes)
    ) AS summary`;
}

interface SummaryRow {
  live: number;
  expired: number;
  deleted: number;
  first: number | null;
  last: number | null;
  distinct: number;
  top: [string, number][];
  agg: { n: number; lo: number | null; hi: number | null; mean: number | null; variance: number | null };
  bins: [number, number][];
  window: [number | null, number | null];
  writes: [number, number, number][];
}

/**
 * What the PostgreSQL backend answers for exploring: statistics from one aggregate statement,
 * entity ids and history pages by keyset over indexes (ids in `COLLATE "C"` order, the byte
 * order of their UTF-8, whatever the database's collation).
 */
export class PostgresExplorer {
  private readonly summaries: Record<SummaryMeasure | "none", string>;
  private readonly statements: ReturnType<typeof statements>;

  /** @param schema the quoted schema of the namespace. */
  constructor(schema: string) {
    this.summaries = {
      none: summaryStatement(schema, null),
      value: summaryStatement(schema, "value"),
      norm: summaryStatement(schema, "norm"),
      length: summaryStatement(schema, "length"),
    };
    this.statements = statements(schema);
  }

  async summarize(pool: pg.Pool, request: SummaryRequest): Promise<FeatureSummary> {
    const { rows } = await pool.query<{ summary: SummaryRow }>(this.summaries[request.measure ?? "none"], [
      request.featureName,
      request.nowMs,
      request.liveSinceMs,
      request.bins,
      request.topValues,
      request.writes?.fromMs ?? null,
      request.writes?.toMs ?? null,
      request.writes?.buckets ?? 1,
    ]);
    const r = rows[0]?.summary as SummaryRow;
    return {
      complete: true,
      live: r.live,
      expired: r.expired,
      deleted: r.deleted,
      firstEventMs: r.first,
      lastEventMs: r.last,
      distinct: request.topValues === 0 ? null : r.distinct,
      top: r.top.map(([payload, count]) => ({ payload, count })),
      measure: request.measure === null ? null : measureOf(r, request.bins),
      writes: writesOf(r, request),
    };
  }

  async listEntities(pool: pg.Pool, query: EntityPageQuery): Promise<EntityPage> {
    const after = query.after ?? "";
    const { rows } =
      query.featureNames === null
        ? await pool.query<{ entity: string }>(this.statements.entities, [after, query.limit])
        : await pool.query<{ entity: string }>(this.statements.entitiesOf, [
            query.featureNames,
            after,
            query.limit,
          ]);
    return { entityIds: rows.map((r) => r.entity), complete: true };
  }

  async historyPage(pool: pg.Pool, key: EntryKey, query: HistoryPageQuery): Promise<StoredEntry[]> {
    const { rows } = await pool.query<{ version: number; event_time: string; payload: string }>(
      query.newestFirst ? this.statements.historyDown : this.statements.historyUp,
      [
        key.featureName,
        key.entityId,
        query.after?.eventTimeMs ?? null,
        query.after?.version ?? null,
        query.limit,
      ],
    );
    return rows.map((r) => ({ version: r.version, eventTimeMs: Number(r.event_time), payload: r.payload }));
  }
}

function measureOf(r: SummaryRow, bins: number): MeasureSummary {
  const { n, lo, hi, mean, variance } = r.agg;
  if (n === 0) return { count: 0, min: null, max: null, mean: null, variance: null, bins: [] };
  const counts = new Array<number>(bins).fill(0);
  for (const [b, count] of r.bins) counts[b] = count;
  return { count: n, min: lo, max: hi, mean, variance, bins: counts };
}

function writesOf(r: SummaryRow, request: SummaryRequest): FeatureSummary["writes"] {
  const [fromMs, toMs] = r.window;
  if (request.writes === null || fromMs === null || toMs === null) return null;
  const values = new Array<number>(request.writes.buckets).fill(0);
  const deletions = new Array<number>(request.writes.buckets).fill(0);
  for (const [b, v, d] of r.writes) {
    values[b] = v;
    deletions[b] = d;
  }
  return { fromMs, toMs, values, deletions };
}

function statements(s: string) {
  return {
    entities: `SELECT DISTINCT entity COLLATE "C" AS entity FROM ${s}.current
               WHERE entity COLLATE "C" > $1 ORDER BY 1 LIMIT $2`,
    // Per feature the first ids after the cursor from the (feature, entity) index, then merged:
    // bounded by features x limit rows however many entities the features have.
    entitiesOf: `SELECT DISTINCT x.entity FROM unnest($1::text[]) AS f(name) CROSS JOIN LATERAL (
                   SELECT entity COLLATE "C" AS entity FROM ${s}.current
                   WHERE feature = f.name AND entity COLLATE "C" > $2 ORDER BY 1 LIMIT $3) x
                 ORDER BY 1 LIMIT $3`,
    historyUp: `SELECT version, event_time, payload FROM ${s}.history
                WHERE feature = $1 AND entity = $2 AND payload IS NOT NULL
                  AND ($3::bigint IS NULL OR (event_time, version) > ($3::bigint, $4::int))
                ORDER BY event_time, version LIMIT $5`,
    historyDown: `SELECT version, event_time, payload FROM ${s}.history
                  WHERE feature = $1 AND entity = $2 AND payload IS NOT NULL
                    AND ($3::bigint IS NULL OR (event_time, version) < ($3::bigint, $4::int))
                  ORDER BY event_time DESC, version DESC LIMIT $5`,
  };
}
