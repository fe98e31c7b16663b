import { useEffect, useMemo, useState } from "preact/hooks";
import { ApiError, graphqlRequest } from "../api/graphql-request";
import { onTokenChange } from "../api/token";
import { Chart } from "../components/chart";
import { Empty, ErrorState, Loading } from "../components/query-states";
import { formatCount, formatInstant, formatValue } from "../format";
import {
  type CatalogQuery,
  FeatureHistoryPageDocument,
  type FeatureHistoryPageQuery,
} from "../generated/graphql";

type Definition = NonNullable<CatalogQuery["features"]>[number];
type Point = NonNullable<FeatureHistoryPageQuery["historyConnection"]>["edges"][number]["node"];

/** Values per page of history: a key's history can be long, so it is read newest first, a page at a time. */
export const HISTORY_PAGE_SIZE = 200;

interface HistoryState {
  status: "loading" | "ok" | "error";
  /** Newest first. */
  points: Point[];
  /** The cursor of the next (earlier) page; null when the oldest value is loaded. */
  next: string | null;
  error?: ApiError;
}

/**
 * A key's history, newest first, a page at a time (`historyConnection`); read again from the
 * newest when `refresh` or the token changes.
 */
function useHistoryPages(featureName: string, entityId: string, refresh: number) {
  const [state, setState] = useState<HistoryState>({ status: "loading", points: [], next: null });
  const [tokenVersion, setTokenVersion] = useState(0);
  useEffect(() => onTokenChange(() => setTokenVersion((n) => n + 1)), []);
  const load = (after: string | null, keep: Point[], signal?: AbortSignal) =>
    graphqlRequest(
      FeatureHistoryPageDocument,
      { featureName, entityId, first: HISTORY_PAGE_SIZE, after },
      signal,
    ).then(
      ({ historyConnection }) =>
        setState({
          status: "ok",
          points: [...keep, ...(historyConnection?.edges.map((e) => e.node) ?? [])],
          next: historyConnection?.pageInfo.hasNextPage
            ? (historyConnection.pageInfo.endCursor ?? null)
            : null,
        }),
      (err: unknown) => {
        if (signal?.aborted) return;
        const error = err instanceof ApiError ? err : new ApiError(String(err), undefined, 0);
        setState({ status: "error", points: keep, next: after, error });
      },
    );
  // `load` is rebuilt each render from these same inputs.
  useEffect(() => {
    const controller = new AbortController();
    setState((previous) =>
      refresh > 0 && previous.status === "ok" ? previous : { ...previous, status: "loading" },
    );
    void load(null, [], controller.signal);
    return () => controller.abort();
  }, [featureName, entityId, refresh, tokenVersion]);
  const loadEarlier = () => {
    if (!state.next) return;
    setState({ ...state, status: "loading" });
    void load(state.next, state.points);
  };
  return { state, loadEarlier };
}

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
  const { state, loadEarlier } = useHistoryPages(featureName, entityId, refresh);
  const points = state.points;
  return (
    <section class="panel history-panel" aria-labelledby="history-title">
      <h2 id="history-title">
        History of {featureName} for {entityId}
      </h2>
      {state.status === "error" && state.error && <ErrorState error={state.error} what="the history" />}
      {points.length === 0 && state.status === "loading" && <Loading label="Loading the history" />}
      {points.length === 0 && state.status === "ok" && (
        <Empty title={`${entityId} has no value of ${featureName} yet.`} />
      )}
      {points.length > 0 &&
        (definition?.featureType === "NUMERIC" ? (
          <NumberHistory featureName={featureName} points={points} />
        ) : (
          <Timeline points={points} />
        ))}
      {points.length > 0 && (
        <p class="history-more muted">
          {formatCount(points.length)} {state.next ? "newest values shown" : "values: the whole history"}
          {state.next && (
            <button
              type="button"
              class="secondary"
              disabled={state.status === "loading"}
              onClick={loadEarlier}
            >
              {state.status === "loading" ? "Loading…" : `Load ${HISTORY_PAGE_SIZE} earlier values`}
            </button>
          )}
        </p>
      )}
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
  const shown = compact ? points.slice(0, 5) : points;
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
      {compact && points.length > shown.length && (
        <p class="muted">{points.length - shown.length} earlier values are in the chart above.</p>
      )}
    </>
  );
}
