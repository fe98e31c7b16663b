import { useMemo, useState } from "preact/hooks";
import { useQuery } from "../api/use-query";
import { Tags, TypeBadge } from "../components/feature-badges";
import { Empty, ErrorState, Loading } from "../components/query-states";
import { formatAgo, formatCount, formatDuration, formatInstant, formatShare } from "../format";
import { CatalogDocument, type CatalogQuery, type FeatureType } from "../generated/graphql";
import { href } from "../router";

type Feature = NonNullable<CatalogQuery["features"]>[number];
type Group = NonNullable<CatalogQuery["groups"]>[number];

/** Every feature, searchable by name and filtered by tag and type; the groups below. */
export function CatalogPage() {
  const state = useQuery(CatalogDocument, {});
  return (
    <section aria-labelledby="catalog-title">
      <h1 id="catalog-title">Catalog</h1>
      {state.status === "loading" && <Loading label="Loading the catalog" />}
      {state.status === "error" && <ErrorState error={state.error} what="the catalog" />}
      {state.status === "ok" && (
        <Catalog features={state.data.features ?? []} groups={state.data.groups ?? []} />
      )}
    </section>
  );
}

function Catalog({ features, groups }: { features: readonly Feature[]; groups: readonly Group[] }) {
  const [search, setSearch] = useState("");
  const [tag, setTag] = useState("");
  const [type, setType] = useState<FeatureType | "">("");
  const tags = useMemo(() => [...new Set(features.flatMap((f) => f.tags))].sort(), [features]);
  const types = useMemo(() => [...new Set(features.map((f) => f.featureType))].sort(), [features]);
  const groupsOf = useMemo(() => {
    const map = new Map<string, string[]>();
    for (const group of groups) {
      for (const name of group.featureNames) map.set(name, [...(map.get(name) ?? []), group.name]);
    }
    return map;
  }, [groups]);
  const [now] = useState(() => Date.now());
  const needle = search.trim().toLowerCase();
  const shown = features.filter(
    (f) =>
      (!needle || f.name.toLowerCase().includes(needle)) &&
      (!tag || f.tags.includes(tag)) &&
      (!type || f.featureType === type),
  );

  if (features.length === 0) {
    return (
      <Empty title="No features are registered yet.">
        <p>
          Register one with the <code>registerFeature</code> or <code>registerGroup</code> mutation in{" "}
          <a href="/graphql">GraphiQL</a>.
        </p>
      </Empty>
    );
  }
  return (
    <>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="catalog-search">Search by name</label>
          <input
            id="catalog-search"
            type="search"
            value={search}
            placeholder="e.g. clicks"
            onInput={(e) => setSearch(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="catalog-tag">Tag</label>
          <select id="catalog-tag" value={tag} onChange={(e) => setTag(e.currentTarget.value)}>
            <option value="">Any tag</option>
            {tags.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="catalog-type">Type</label>
          <select
            id="catalog-type"
            value={type}
            onChange={(e) => setType(e.currentTarget.value as FeatureType | "")}
          >
            <option value="">Any type</option>
            {types.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <p class="filter-count" role="status" aria-live="polite">
          {shown.length} of {features.length} features
        </p>
      </form>
      {shown.length === 0 ? (
        <Empty title="No feature matches these filters.">
          <button
            type="button"
            onClick={() => {
              setSearch("");
              setTag("");
              setType("");
            }}
          >
            Clear the filters
          </button>
        </Empty>
      ) : (
        <div class="table-wrap">
          <table class="catalog-table responsive-table">
            <caption class="visually-hidden">Registered features</caption>
            <thead>
              <tr>
                <th scope="col">Feature</th>
                <th scope="col">Type</th>
                <th scope="col">Tags</th>
                <th scope="col">TTL</th>
                <th scope="col">Groups</th>
                <th scope="col">Last write</th>
                <th scope="col" class="num">
                  Live entities
                </th>
                <th scope="col" class="num">
                  Served by default
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.map((feature) => (
                <tr key={feature.name} data-feature={feature.name}>
                  <th scope="row" data-label="Feature">
                    <a href={href({ view: "feature", name: feature.name })} class="feature-link">
                      {feature.name}
                    </a>
                    {feature.description && <p class="description">{feature.description}</p>}
                  </th>
                  <td data-label="Type">
                    <TypeBadge featureType={feature.featureType} valueType={feature.valueType} />
                  </td>
                  <td data-label="Tags">
                    <Tags tags={feature.tags} />
                  </td>
                  <td data-label="TTL">
                    {feature.ttlSeconds == null ? (
                      <span class="muted">none</span>
                    ) : (
                      formatDuration(feature.ttlSeconds)
                    )}
                  </td>
                  <td data-label="Groups">
                    {(groupsOf.get(feature.name) ?? []).map((g) => (
                      <a key={g} class="group-link" href={href({ view: "group", name: g })}>
                        {g}
                      </a>
                    ))}
                  </td>
                  <td data-label="Last write" title={formatInstant(feature.coverage.lastWriteAt)}>
                    {formatAgo(feature.coverage.lastWriteAt, now)}
                  </td>
                  <td data-label="Live entities" class="num" data-coverage="live">
                    {formatCount(feature.coverage.live)}
                    {!feature.coverage.complete && <span title="from a bounded scan: a sample">*</span>}
                  </td>
                  <td
                    data-label="Served by default"
                    class={`num ${(feature.coverage.defaultShare ?? 0) > 0.5 ? "is-warn" : ""}`}
                    data-coverage="default-share"
                  >
                    {formatShare(feature.coverage.defaultShare)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>Groups</h2>
      {groups.length === 0 ? (
        <Empty title="No groups are registered." />
      ) : (
        <ul class="group-cards">
          {groups.map((group) => (
            <li key={group.name}>
              <a href={href({ view: "group", name: group.name })} class="card">
                <span class="card-title">{group.name}</span>
                <span class="description">{group.description ?? "No description"}</span>
                <span class="muted">{group.featureNames.length} features</span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
