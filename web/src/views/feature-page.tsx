import { useQuery } from "../api/use-query";
import { Tags, TypeBadge } from "../components/feature-badges";
import { Empty, ErrorState, Loading } from "../components/query-states";
import { formatDuration, formatValue } from "../format";
import { FeaturePageDocument, type FeaturePageQuery } from "../generated/graphql";
import { href } from "../router";
import { FeatureStatistics } from "./feature-statistics";

type Definition = NonNullable<FeaturePageQuery["feature"]>;

/** One feature: its definition, its groups, and the statistics of its current values. */
export function FeaturePage({ name }: { name: string }) {
  const state = useQuery(FeaturePageDocument, { name });
  return (
    <section aria-labelledby="feature-title">
      <p class="breadcrumb">
        <a href={href({ view: "catalog" })}>Catalog</a> / feature
      </p>
      <h1 id="feature-title">{name}</h1>
      {state.status === "loading" && <Loading label="Loading the feature" />}
      {state.status === "error" && <ErrorState error={state.error} what={`feature ${name}`} />}
      {state.status === "ok" &&
        (state.data.feature ? (
          <>
            <FeatureDetails
              feature={state.data.feature}
              groups={(state.data.groups ?? [])
                .filter((g) => g.featureNames.includes(name))
                .map((g) => g.name)}
            />
            <FeatureStatistics name={name} featureType={state.data.feature.featureType} />
          </>
        ) : (
          <Empty title={`There is no feature named “${name}”.`}>
            <p>
              <a href={href({ view: "catalog" })}>Back to the catalog</a>
            </p>
          </Empty>
        ))}
    </section>
  );
}

function FeatureDetails({ feature, groups }: { feature: Definition; groups: readonly string[] }) {
  return (
    <>
      {feature.description && <p class="lead">{feature.description}</p>}
      <dl class="definition">
        <div>
          <dt>Type</dt>
          <dd>
            <TypeBadge featureType={feature.featureType} valueType={feature.valueType} />
          </dd>
        </div>
        <div>
          <dt>TTL</dt>
          <dd>{feature.ttlSeconds == null ? "none" : formatDuration(feature.ttlSeconds)}</dd>
        </div>
        <div>
          <dt>Default</dt>
          <dd>
            <code>{feature.defaultValue === null ? "none (null)" : formatValue(feature.defaultValue)}</code>
          </dd>
        </div>
        <div>
          <dt>Tags</dt>
          <dd>
            <Tags tags={feature.tags} />
          </dd>
        </div>
        <div>
          <dt>Groups</dt>
          <dd>
            {groups.length === 0
              ? "none"
              : groups.map((g) => (
                  <a key={g} class="group-link" href={href({ view: "group", name: g })}>
                    {g}
                  </a>
                ))}
          </dd>
        </div>
      </dl>
    </>
  );
}
