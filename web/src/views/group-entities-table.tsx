import { useState } from "preact/hooks";
import { useQuery } from "../api/use-query";
import { Empty, ErrorState, Loading } from "../components/query-states";
import { formatValue } from "../format";
import { GroupEntitiesDocument, GroupRowsDocument } from "../generated/graphql";
import { href } from "../router";

/** Entities per page of the table. */
const PAGE_SIZE = 20;

/**
 * The dashboard view of a group: its entities (a page at a time, by cursor) x its features,
 * each cell the value a vector read serves, defaults marked.
 */
export function GroupEntitiesTable({
  group,
  featureNames,
}: {
  group: string;
  featureNames: readonly string[];
}) {
  // The cursors of the pages before this one, so "Previous" needs no backward paging.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors.at(-1) ?? null;
  const page = useQuery(GroupEntitiesDocument, { name: group, first: PAGE_SIZE, after });
  const ids = page.status === "ok" ? (page.data.entities?.edges.map((e) => e.node.id) ?? []) : null;
  const rows = useQuery(
    GroupRowsDocument,
    ids && ids.length > 0 ? { entityIds: ids, featureNames: [...featureNames] } : null,
  );

  return (
    <section aria-labelledby="entities-title">
      <h2 id="entities-title">Entities</h2>
      {page.status === "loading" && <Loading label="Loading the entities" />}
      {page.status === "error" && <ErrorState error={page.error} what="the entities" />}
      {page.status === "ok" && ids?.length === 0 && (
        <Empty title="No entity holds a value of this group yet." />
      )}
      {page.status === "ok" && ids && ids.length > 0 && (
        <>
          {rows.status === "loading" && <Loading label="Reading their values" />}
          {rows.status === "error" && <ErrorState error={rows.error} what="the values" />}
          {rows.status === "ok" && (
            <div class="table-wrap">
              <table class="entity-table" aria-describedby="entities-page">
                <caption class="visually-hidden">Entities of group {group} and their values</caption>
                <thead>
                  <tr>
                    <th scope="col">Entity</th>
                    {featureNames.map((name) => (
                      <th key={name} scope="col">
                        <a href={href({ view: "feature", name })}>{name}</a>
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {(rows.data.vectors ?? []).map((vector) => (
                    <tr key={vector.entityId} data-entity={vector.entityId}>
                      <th scope="row" class="entity-id">
                        <a
                          href={href({
                            view: "entity",
                            id: vector.entityId,
                            group,
                            asOf: undefined,
                            feature: undefined,
                          })}
                        >
                          {vector.entityId}
                        </a>
                      </th>
                      {vector.features.map((entry) => (
                        <td
                          key={entry.featureName}
                          data-feature={entry.featureName}
                          class={entry.usedDefault ? "is-default" : undefined}
                          title={entry.usedDefault ? "default: no live value" : `version ${entry.version}`}
                        >
                          {formatValue(entry.value)}
                          {entry.usedDefault && <span class="visually-hidden"> (default)</span>}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
              <div class="pager">
                <span id="entities-page" class="muted">
                  Page {cursors.length} · {ids.length} entities
                  {page.data.entities?.complete === false ? " (from a bounded scan)" : ""} · defaults in
                  italics
                </span>
                <button
                  type="button"
                  class="secondary"
                  disabled={cursors.length === 1}
                  onClick={() => setCursors(cursors.slice(0, -1))}
                >
                  Previous
                </button>
                <button
                  type="button"
                  disabled={!page.data.entities?.pageInfo.hasNextPage}
                  onClick={() => setCursors([...cursors, page.data.entities?.pageInfo.endCursor ?? null])}
                >
                  Next
                </button>
              </div>
            </div>
          )}
        </>
      )}
    </section>
  );
}
