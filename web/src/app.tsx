import { useEffect } from "preact/hooks";
import { Layout } from "./components/layout";
import { Empty } from "./components/query-states";
import { href, useRoute } from "./router";
import { CatalogPage } from "./views/catalog-page";
import { EntityPage } from "./views/entity-page";
import { FeaturePage } from "./views/feature-page";
import { GroupPage } from "./views/group-page";

/** The explorer: one view per route, in the common layout. */
export function App() {
  const route = useRoute();
  useEffect(() => {
    const titles: Record<string, string> = {
      catalog: "Catalog",
      feature: `Feature ${"name" in route ? route.name : ""}`,
      group: `Group ${"name" in route ? route.name : ""}`,
      entity: `Entity ${"id" in route ? route.id : ""}`,
      "not-found": "Not found",
    };
    document.title = `${titles[route.view]} · Feature explorer`;
  }, [route]);
  return (
    <Layout route={route}>
      {route.view === "catalog" && <CatalogPage />}
      {route.view === "feature" && <FeaturePage key={route.name} name={route.name} />}
      {route.view === "group" && <GroupPage key={route.name} name={route.name} />}
      {route.view === "entity" && <EntityPage route={route} />}
      {route.view === "not-found" && (
        <Empty title="There is no such page.">
          <p>
            <a href={href({ view: "catalog" })}>Back to the catalog</a>
          </p>
        </Empty>
      )}
    </Layout>
  );
}
