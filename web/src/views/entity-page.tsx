import { useEffect, useMemo, useState } from "preact/hooks";
import { graphqlRequest } from "../api/graphql-request";
import { type SubscriptionStatus, subscribe } from "../api/subscribe";
import { useQuery } from "../api/use-query";
import { Empty, ErrorState, Loading } from "../components/query-states";
import { formatDuration, formatInstant, formatValue, fromLocalInput, toLocalInput } from "../format";
import {
  CatalogDocument,
  type CatalogQuery,
  EntityChangesDocument,
  type EntityChangesSubscription,
  EntityVectorDocument,
  type EntityVectorQuery,
  FeatureHistoryDocument,
} from "../generated/graphql";
import { href, navigate, type Route } from "../router";
import { HistoryPanel } from "./history-panel";

type EntityRoute = Extract<Route, { view: "entity" }>;
type Definition = NonNullable<CatalogQuery["features"]>[number];
type Entry = NonNullable<EntityVectorQuery["vector"]>["features"][number];
type Change = EntityChangesSubscription["valueChanged"];

/** Why an entry was served its default: read from the key's history. */
type DefaultReason = "expired" | "deleted" | "never written";

/**
 * One entity: look it up by id, see its vector over a group or every feature (as of now or a
 * past instant), open a feature's history, and watch writes arrive while the page is open.
 */
export function EntityPage({ route }: { route: EntityRoute }) {
  const catalog = useQuery(CatalogDocument, {});
  return (
    <section aria-labelledby="entity-title">
      <h1 id="entity-title">{route.id ? `Entity ${route.id}` : "Look up an entity"}</h1>
      {catalog.status === "loading" && <Loading label="Loading the features" />}
      {catalog.status === "error" && <ErrorState error={catalog.error} what="the features" />}
      {catalog.status === "ok" && (
        <EntityExplorer
          route={route}
          definitions={catalog.data.features ?? []}
          groups={catalog.data.groups ?? []}
        />
      )}
    </section>
  );
}

function EntityExplorer({
  route,
  definitions,
  groups,
}: {
  route: EntityRoute;
  definitions: readonly Definition[];
  groups: NonNullable<CatalogQuery["groups"]>;
}) {
  const group = groups.find((g) => g.name === route.group);
  const featureNames = group ? group.featureNames : definitions.map((d) => d.name);
  const variables = route.id ? { entityId: route.id, featureNames, asOf: route.asOf ?? null } : null;
  const vector = useQuery(EntityVectorDocument, variables);
  const byName = useMemo(() => new Map(definitions.map((d) => [d.name, d])), [definitions]);
  const live = useLiveChanges(route.id, route.asOf === undefined);

  return (
    <>
      <LookupForm route={route} groups={groups.map((g) => g.name)} />
      {route.group && !group && (
        <ErrorNote>There is no group named “{route.group}”; showing every feature.</ErrorNote>
      )}
      {!route.id ? (
        <Empty title="Enter an entity id to see its features.">
          <p>
            For example <a href={href({ ...route, id: "user-1" })}>user-1</a> or{" "}
            <a href={href({ ...route, id: "item-2" })}>item-2</a> in the demo data.
          </p>
        </Empty>
      ) : (
        <>
          <LiveStatus route={route} status={live.status} message={live.message} />
          {vector.status === "loading" && <Loading label={`Reading ${route.id}`} />}
          {vector.status === "error" && <ErrorState error={vector.error} what={`entity ${route.id}`} />}
          {vector.status === "ok" && vector.data.vector && (
            <VectorTable
              route={route}
              entries={vector.data.vector.features}
              definitions={byName}
              changes={live.changes}
            />
          )}
          {live.changes.length > 0 && <ChangeLog changes={live.changes} />}
          {route.feature && (
            <HistoryPanel
              key={route.feature}
              entityId={route.id}
              definition={byName.get(route.feature)}
              featureName={route.feature}
              refresh={live.changes.filter((c) => c.featureName === route.feature).length}
            />
          )}
        </>
      )}
    </>
  );
}

function ErrorNote({ children }: { children: preact.ComponentChildren }) {
  return (
    <p class="note" role="alert">
      {children}
    </p>
  );
}

/** The id, the feature set and the instant to read at; submitting moves to that route. */
function LookupForm({ route, groups }: { route: EntityRoute; groups: readonly string[] }) {
  const [id, setId] = useState(route.id);
  const [group, setGroup] = useState(route.group ?? "");
  const [asOf, setAsOf] = useState(route.asOf ? toLocalInput(route.asOf) : "");
  useEffect(() => {
    setId(route.id);
    setGroup(route.group ?? "");
    setAsOf(route.asOf ? toLocalInput(route.asOf) : "");
  }, [route.id, route.group, route.asOf]);
  const go = (next: Partial<EntityRoute>) =>
    navigate({
      view: "entity",
      id: id.trim(),
      group: group || undefined,
      asOf: fromLocalInput(asOf),
      feature: route.id === id.trim() ? route.feature : undefined,
      ...next,
    });
  return (
    <form
      class="filters lookup-form"
      onSubmit={(e) => {
        e.preventDefault();
        go({});
      }}
    >
      <div class="field">
        <label for="entity-id">Entity id</label>
        <input
          id="entity-id"
          value={id}
          required
          autoComplete="off"
          spellcheck={false}
          placeholder="e.g. user-1"
          onInput={(e) => setId(e.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for="entity-group">Features</label>
        <select id="entity-group" value={group} onChange={(e) => setGroup(e.currentTarget.value)}>
          <option value="">All features</option>
          {groups.map((g) => (
            <option key={g} value={g}>
              Group {g}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="entity-as-of">As of</label>
        <input
          id="entity-as-of"
          type="datetime-local"
          value={asOf}
          onInput={(e) => setAsOf(e.currentTarget.value)}
        />
      </div>
      <div class="field field-actions">
        <button type="submit">Look up</button>
        {route.asOf && (
          <button type="button" class="secondary" onClick={() => go({ asOf: undefined })}>
            Back to now
          </button>
        )}
      </div>
    </form>
  );
}

/** Subscribes to the entity's writes while the page shows the present. */
function useLiveChanges(entityId: string, enabled: boolean) {
  const [changes, setChanges] = useState<Change[]>([]);
  const [status, setStatus] = useState<SubscriptionStatus | "paused">("paused");
  const [message, setMessage] = useState<string | undefined>();
  useEffect(() => {
    setChanges([]);
    if (!entityId || !enabled) {
      setStatus("paused");
      return;
    }
    return subscribe(
      EntityChangesDocument,
      { entityId },
      {
        next: (data) => setChanges((previous) => [data.valueChanged, ...previous].slice(0, 50)),
        status: (next, text) => {
          setStatus(next);
          setMessage(text);
        },
      },
    );
  }, [entityId, enabled]);
  return { changes, status, message };
}

function LiveStatus({
  route,
  status,
  message,
}: {
  route: EntityRoute;
  status: SubscriptionStatus | "paused";
  message: string | undefined;
}) {
  const text = {
    paused: route.asOf ? `Showing ${formatInstant(route.asOf)}: live updates are paused` : "Live updates off",
    connecting: "Connecting to live updates…",
    open: "Live: writes to this entity appear as they happen",
    closed: `Live updates stopped (${message}); reconnecting`,
    failed: `Live updates unavailable (${message}); retrying`,
  }[status];
  return (
    <p class={`live-status live-${status}`} role="status" aria-live="polite" data-live={status}>
      <span class="live-dot" aria-hidden="true" />
      {text}
    </p>
  );
}

/** The vector, one row per feature; a live write replaces its row's value and flashes it. */
function VectorTable({
  route,
  entries,
  definitions,
  changes,
}: {
  route: EntityRoute;
  entries: readonly Entry[];
  definitions: ReadonlyMap<string, Definition>;
  changes: readonly Change[];
}) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);
  const readAt = route.asOf ? new Date(route.asOf).getTime() : now;
  const reasons = useDefaultReasons(route, entries, definitions, readAt);
  const latest = new Map<string, Change>();
  for (const change of [...changes].reverse()) latest.set(change.featureName, change);

  if (entries.length === 0) return <Empty title="This group has no features." />;
  const served = entries.filter((e) => !e.usedDefault).length;
  return (
    <div class="table-wrap">
      <p class="summary">
        {served} of {entries.length} features hold a value for {route.id}
        {route.asOf ? ` as of ${formatInstant(route.asOf)}` : ""}; the others serve their default.
      </p>
      <table class="vector-table responsive-table">
        <caption class="visually-hidden">Feature values of {route.id}</caption>
        <thead>
          <tr>
            <th scope="col">Feature</th>
            <th scope="col">Value</th>
            <th scope="col">Version</th>
            <th scope="col">Event time</th>
            <th scope="col">Age</th>
            <th scope="col">TTL state</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((read) => {
            const change = latest.get(read.featureName);
            const entry: Entry = change
              ? {
                  ...read,
                  value: change.value,
                  version: change.version,
                  timestamp: change.timestamp,
                  usedDefault: false,
                }
              : read;
            const definition = definitions.get(entry.featureName);
            const ageSeconds = entry.timestamp
              ? (readAt - new Date(entry.timestamp).getTime()) / 1000
              : undefined;
            const selected = route.feature === entry.featureName;
            return (
              <tr
                key={`${entry.featureName}:${entry.version}`}
                data-feature={entry.featureName}
                class={`${entry.usedDefault ? "is-default" : ""} ${change ? "is-live" : ""} ${selected ? "is-selected" : ""}`}
              >
                <th scope="row" data-label="Feature">
                  <a
                    href={href({ ...route, feature: selected ? undefined : entry.featureName })}
                    aria-current={selected ? "true" : undefined}
                    title="Show this feature's history"
                  >
                    {entry.featureName}
                  </a>
                </th>
                <td data-label="Value" class="value-cell">
                  <span class="value">{formatValue(entry.value)}</span>
                  {entry.usedDefault && <span class="badge badge-default">default</span>}
                  {entry.historyTrimmed && <span class="badge badge-warn">history trimmed</span>}
                </td>
                <td data-label="Version">{entry.version ?? "–"}</td>
                <td data-label="Event time">{formatInstant(entry.timestamp)}</td>
                <td data-label="Age">{ageSeconds === undefined ? "–" : formatDuration(ageSeconds)}</td>
                <td data-label="TTL state">
                  <TtlState
                    ttlSeconds={definition?.ttlSeconds ?? null}
                    ageSeconds={ageSeconds}
                    usedDefault={entry.usedDefault}
                    reason={reasons.get(entry.featureName)}
                  />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function TtlState({
  ttlSeconds,
  ageSeconds,
  usedDefault,
  reason,
}: {
  ttlSeconds: number | null;
  ageSeconds: number | undefined;
  usedDefault: boolean;
  reason: DefaultReason | undefined;
}) {
  if (usedDefault) {
    if (reason === "expired")
      return <span class="ttl ttl-expired">expired (TTL {formatDuration(ttlSeconds)})</span>;
    if (reason === "deleted") return <span class="ttl ttl-none">deleted</span>;
    if (reason === "never written") return <span class="ttl ttl-none">never written</span>;
    return <span class="ttl ttl-none">no live value</span>;
  }
  if (ttlSeconds == null) return <span class="ttl">no TTL</span>;
  const left = ttlSeconds - (ageSeconds ?? 0);
  return <span class="ttl ttl-fresh">fresh, expires in {formatDuration(left)}</span>;
}

/**
 * Why each defaulted entry has no live value at the instant read: its last entry then is past
 * its TTL (expired), or there is none (never written); otherwise it was deleted.
 */
function useDefaultReasons(
  route: EntityRoute,
  entries: readonly Entry[],
  definitions: ReadonlyMap<string, Definition>,
  readAt: number,
): ReadonlyMap<string, DefaultReason> {
  const [reasons, setReasons] = useState<ReadonlyMap<string, DefaultReason>>(new Map());
  const defaulted = entries
    .filter((e) => e.usedDefault && definitions.has(e.featureName))
    .map((e) => e.featureName);
  const key = defaulted.join(",");
  // The defaulted names are compared by their joined key, not by identity.
  useEffect(() => {
    let current = true;
    Promise.all(
      defaulted.map(async (featureName) => {
        const { history } = await graphqlRequest(FeatureHistoryDocument, { featureName, entityId: route.id });
        const before = (history ?? []).filter((h) => new Date(h.timestamp).getTime() <= readAt);
        const last = before.at(-1);
        const ttl = definitions.get(featureName)?.ttlSeconds;
        let reason: DefaultReason = "deleted";
        if (!last) reason = "never written";
        else if (ttl != null && readAt - new Date(last.timestamp).getTime() > ttl * 1000) reason = "expired";
        return [featureName, reason] as const;
      }),
    ).then(
      (found) => current && setReasons(new Map(found)),
      () => current && setReasons(new Map()),
    );
    return () => {
      current = false;
    };
  }, [route.id, key, route.asOf]);
  return reasons;
}

function ChangeLog({ changes }: { changes: readonly Change[] }) {
  return (
    <section class="change-log" aria-labelledby="changes-title">
      <h2 id="changes-title">Live changes</h2>
      <ol>
        {changes.slice(0, 10).map((c) => (
          <li key={`${c.featureName}:${c.version}`}>
            <strong>{c.featureName}</strong> = <span class="value">{formatValue(c.value)}</span>{" "}
            <span class="muted">
              v{c.version} at {formatInstant(c.timestamp)}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
