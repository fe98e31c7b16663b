import { useMemo } from "preact/hooks";
import { useQuery } from "../api/use-query";
import { Chart } from "../components/chart";
import { Empty, ErrorState, Loading } from "../components/query-states";
import { formatAgo, formatCount, formatInstant, formatNumber, formatShare, formatValue } from "../format";
import {
  FeatureStatisticsDocument,
  type FeatureStatisticsQuery,
  type FeatureType,
} from "../generated/graphql";
import { href } from "../router";

type Statistics = NonNullable<FeatureStatisticsQuery["featureStatistics"]>;
type Numbers = NonNullable<Statistics["numbers"]>;

/** What a numeric summary measures, by the API's `measure`. */
const MEASURE_TITLES = {
  VALUE: "Values",
  NORM: "Norms of the embeddings",
  LENGTH: "Length in characters",
} as const;

/**
 * The statistics of a feature's current values: coverage, the numbers' summary and histogram
 * (values, embedding norms or text lengths), the most frequent values, writes over time, and a
 * few entities that hold it.
 */
export function FeatureStatistics({ name, featureType }: { name: string; featureType: FeatureType }) {
  const state = useQuery(FeatureStatisticsDocument, { name });
  return (
    <section aria-labelledby="statistics-title">
      <h2 id="statistics-title">Current values</h2>
      {state.status === "loading" && <Loading label="Computing the statistics" />}
      {state.status === "error" && <ErrorState error={state.error} what="the statistics" />}
      {state.status === "ok" && state.data.featureStatistics && (
        <StatisticsBody
          name={name}
          featureType={featureType}
          statistics={state.data.featureStatistics}
          entities={state.data.entities?.edges.map((e) => e.node.id) ?? []}
          moreEntities={state.data.entities?.pageInfo.hasNextPage ?? false}
        />
      )}
    </section>
  );
}

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div class="stat" title={hint}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function StatisticsBody({
  name,
  featureType,
  statistics: s,
  entities,
  moreEntities,
}: {
  name: string;
  featureType: FeatureType;
  statistics: Statistics;
  entities: readonly string[];
  moreEntities: boolean;
}) {
  const now = Date.parse(s.computedAt);
  const total = s.live + s.expired + s.deleted;
  if (total === 0) {
    return (
      <Empty title={`No entity holds a value of ${name} yet.`}>
        <p>
          Write one with the <code>ingest</code> mutation in <a href="/graphql">GraphiQL</a>.
        </p>
      </Empty>
    );
  }
  return (
    <>
      {!s.complete && (
        <p class="note" role="note">
          The backend scanned a bounded sample of the entities: these figures describe that sample.
        </p>
      )}
      <dl class="stats" data-testid="coverage">
        <Stat
          label="Live values"
          value={formatCount(s.live)}
          hint="Entities whose value in force now is served as stored"
        />
        <Stat label="Expired" value={formatCount(s.expired)} hint="Past the TTL: the default is served" />
        <Stat label="Deleted" value={formatCount(s.deleted)} hint="Deleted: the default is served" />
        <Stat label="Served by default" value={formatShare(s.defaultShare)} />
        <Stat label="Last write" value={formatAgo(s.lastWriteAt, now)} hint={formatInstant(s.lastWriteAt)} />
        {s.distinctValues != null && <Stat label="Distinct values" value={formatCount(s.distinctValues)} />}
        {s.trueShare != null && <Stat label="True" value={formatShare(s.trueShare)} />}
        {s.dimension != null && <Stat label="Dimension" value={String(s.dimension)} />}
        {s.earliest && <Stat label="Earliest" value={formatInstant(s.earliest)} />}
        {s.latest && <Stat label="Latest" value={formatInstant(s.latest)} />}
      </dl>
      <div class="charts">
        {s.measure && s.numbers && (
          <NumberSummary title={MEASURE_TITLES[s.measure]} numbers={s.numbers} name={name} />
        )}
        {s.topValues.length > 0 && featureType !== "EMBEDDING" && <TopValues statistics={s} />}
        <WritesOverTime statistics={s} name={name} />
      </div>
      <h3>Entities with a value</h3>
      <ul class="entity-list">
        {entities.map((id) => (
          <li key={id}>
            <a href={href({ view: "entity", id, group: undefined, asOf: undefined, feature: name })}>{id}</a>
          </li>
        ))}
        {moreEntities && <li class="muted">and more</li>}
      </ul>
    </>
  );
}

function NumberSummary({ title, numbers: n, name }: { title: string; numbers: Numbers; name: string }) {
  const series = useMemo(
    () => ({
      x: n.histogram.map((bin) => (bin.lower + bin.upper) / 2),
      y: n.histogram.map((bin) => bin.count),
    }),
    [n],
  );
  return (
    <div class="panel number-summary">
      <h3>{title}</h3>
      <table class="summary-table">
        <tbody>
          <tr>
            <th scope="row">Count</th>
            <td class="num" data-stat="count">
              {formatCount(n.count)}
            </td>
            <th scope="row">Mean</th>
            <td class="num" data-stat="mean">
              {formatNumber(n.mean)}
            </td>
          </tr>
          <tr>
            <th scope="row">Min</th>
            <td class="num" data-stat="min">
              {formatNumber(n.min)}
            </td>
            <th scope="row">Std dev</th>
            <td class="num" data-stat="stddev">
              {formatNumber(n.stddev)}
            </td>
          </tr>
          <tr>
            <th scope="row">Max</th>
            <td class="num" data-stat="max">
              {formatNumber(n.max)}
            </td>
            <td colSpan={2} />
          </tr>
        </tbody>
      </table>
      {n.histogram.length > 0 && (
        <Chart
          label={`Histogram of ${name}: ${n.histogram.length} bins, ${formatCount(n.count)} values`}
          x={series.x}
          y={series.y}
          seriesName="entities"
          kind="bars"
          time={false}
          height={200}
        />
      )}
    </div>
  );
}

function TopValues({ statistics: s }: { statistics: Statistics }) {
  const most = Math.max(...s.topValues.map((t) => t.count), 1);
  return (
    <div class="panel">
      <h3>Most frequent values</h3>
      <ol class="top-values" aria-label="Most frequent values with their counts">
        {s.topValues.map((t) => (
          <li key={JSON.stringify(t.value)}>
            <span class="value">{formatValue(t.value)}</span>
            <span class="bar" style={{ width: `${(100 * t.count) / most}%` }} aria-hidden="true" />
            <span class="count">{formatCount(t.count)}</span>
          </li>
        ))}
      </ol>
    </div>
  );
}

function WritesOverTime({ statistics: s, name }: { statistics: Statistics; name: string }) {
  const series = useMemo(
    () => ({ x: s.writes.map((w) => Date.parse(w.start) / 1000), y: s.writes.map((w) => w.values) }),
    [s.writes],
  );
  const writes = s.writes.reduce((sum, w) => sum + w.values, 0);
  return (
    <div class="panel">
      <h3>Writes over time</h3>
      {s.writes.length === 0 ? (
        <p class="muted">No writes.</p>
      ) : (
        <Chart
          label={`Writes of ${name} over time: ${formatCount(writes)} values in ${s.writes.length} periods`}
          x={series.x}
          y={series.y}
          seriesName="writes"
          kind="bars"
          time
          height={200}
        />
      )}
    </div>
  );
}
