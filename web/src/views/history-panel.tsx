import { useMemo } from "preact/hooks";
import { useQuery } from "../api/use-query";
import { Chart } from "../components/chart";
import { Empty, ErrorState, Loading } from "../components/query-states";
import { formatInstant, formatValue } from "../format";
import { type CatalogQuery, FeatureHistoryDocument, type FeatureHistoryQuery } from "../generated/graphql";

type Definition = NonNullable<CatalogQuery["features"]>[number];
type Point = NonNullable<FeatureHistoryQuery["history"]>[number];

/**
 * One feature's history for one entity: a time-series chart for numbers, a timeline for
 * every other type. `refresh` changes when a live write to this feature arrived.
 */
export function HistoryPanel({
  entityId,
  featureName,
  definition,
  refresh,
}: {
  entityId: string;
  featureName: string;
  definition: Definition | undefined;
  refresh: number;
}) {
  const state = useQuery(FeatureHistoryDocument, { featureName, entityId }, refresh);
  return (
    <section class="panel history-panel" aria-labelledby="history-title">
      <h2 id="history-title">
        History of {featureName} for {entityId}
      </h2>
      {state.status === "loading" && <Loading label="Loading the history" />}
      {state.status === "error" && <ErrorState error={state.error} what="the history" />}
      {state.status === "ok" &&
        ((state.data.history ?? []).length === 0 ? (
          <Empty title={`${entityId} has no value of ${featureName} yet.`} />
        ) : definition?.featureType === "NUMERIC" ? (
          <NumberHistory featureName={featureName} points={state.data.history ?? []} />
        ) : (
          <Timeline points={state.data.history ?? []} />
        ))}
    </section>
  );
}

function NumberHistory({ featureName, points }: { featureName: string; points: readonly Point[] }) {
  const series = useMemo(() => {
    // uPlot wants ascending x: order by event time (writes may arrive out of order).
    const sorted = [...points].sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
    return {
      x: sorted.map((p) => Date.parse(p.timestamp) / 1000),
      y: sorted.map((p) => (typeof p.value === "number" ? p.value : null)),
    };
  }, [points]);
  return (
    <>
      <Chart
        label={`${featureName} over time: ${points.length} values`}
        x={series.x}
        y={series.y}
        seriesName={featureName}
        kind="line"
        time
      />
      <Timeline points={points} compact />
    </>
  );
}

function Timeline({ points, compact = false }: { points: readonly Point[]; compact?: boolean }) {
  const newestFirst = [...points].sort(
    (a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp) || b.version - a.version,
  );
  const shown = compact ? newestFirst.slice(0, 5) : newestFirst;
  return (
    <>
      {compact && <h3 class="timeline-title">Latest writes</h3>}
      <ol class="timeline" aria-label="Values, newest first">
        {shown.map((p) => (
          <li key={p.version}>
            <time dateTime={p.timestamp}>{formatInstant(p.timestamp)}</time>
            <span class="timeline-version">v{p.version}</span>
            <span class="value">{formatValue(p.value)}</span>
          </li>
        ))}
      </ol>
      {compact && newestFirst.length > shown.length && (
        <p class="muted">{newestFirst.length - shown.length} earlier values are in the chart above.</p>
      )}
    </>
  );
}
