import { useQuery } from "../api/use-query";
import { Tags, TypeBadge } from "../components/feature-badges";
import { Empty, ErrorState, Loading } from "../components/query-states";
import { formatDuration } from "../format";
import { GroupPageDocument, type GroupPageQuery } from "../generated/graphql";
import { href } from "../router";
import { GroupEntitiesTable } from "./group-entities-table";

type Group = NonNullable<GroupPageQuery["group"]>;

/** One group: its features, and a paged table of its entities' values. */
export function GroupPage({ name }: { name: string }) {
  const state = useQuery(GroupPageDocument, { name });
  return (
    <section aria-labelledby="group-title">
      <p class="breadcrumb">
        <a href={href({ view: "catalog" })}>Catalog</a> / group
      </p>
      <h1 id="group-title">{name}</h1>
      {state.status === "loading" && <Loading label="Loading the group" />}
      {state.status === "error" && <ErrorState error={state.error} what={`group ${name}`} />}
      {state.status === "ok" &&
        (state.data.group ? (
          <GroupDetails group={state.data.group} />
        ) : (
          <Empty title={`There is no group named “${name}”.`}>
            <p>
              <a href={href({ view: "catalog" })}>Back to the catalog</a>
            </p>
          </Empty>
        ))}
    </section>
  );
}

function GroupDetails({ group }: { group: Group }) {
  return (
    <>
      {group.description && <p class="lead">{group.description}</p>}
      <Tags tags={group.tags} />
      <h2>Features</h2>
      <div class="table-wrap">
        <table class="responsive-table group-features">
          <thead>
            <tr>
              <th scope="col">Feature</th>
              <th scope="col">Type</th>
              <th scope="col">TTL</th>
            </tr>
          </thead>
          <tbody>
            {group.features.map((f) => (
              <tr key={f.name}>
                <th scope="row" data-label="Feature">
                  <a href={href({ view: "feature", name: f.name })}>{f.name}</a>
                </th>
                <td data-label="Type">
                  <TypeBadge featureType={f.featureType} valueType={f.valueType} />
                </td>
                <td data-label="TTL">{f.ttlSeconds == null ? "none" : formatDuration(f.ttlSeconds)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <GroupEntitiesTable group={group.name} featureNames={group.features.map((f) => f.name)} />
    </>
  );
}
