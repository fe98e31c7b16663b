import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { readToken } from "../api/token";
import { href, type Route } from "../router";
import { TokenForm } from "./token-form";

/** Where GraphiQL is: the API's own endpoint, opened in a browser. */
const GRAPHIQL_URL = "/graphql";

function NavLink({ to, current, children }: { to: Route; current: boolean; children: ComponentChildren }) {
  return (
    <a href={href(to)} aria-current={current ? "page" : undefined}>
      {children}
    </a>
  );
}

/** The frame of every view: a skip link, the header with navigation and GraphiQL, the main area. */
export function Layout({ route, children }: { route: Route; children: ComponentChildren }) {
  const [tokenOpen, setTokenOpen] = useState(false);
  return (
    <>
      <button type="button" class="skip-link" onClick={() => document.getElementById("main")?.focus()}>
        Skip to content
      </button>
      <header class="site-header">
        <a class="brand" href="#/">
          <span class="brand-mark" aria-hidden="true">
            ◆
          </span>{" "}
          Feature explorer
        </a>
        <nav aria-label="Main">
          <NavLink to={{ view: "catalog" }} current={route.view === "catalog"}>
            Catalog
          </NavLink>
          <NavLink
            to={{ view: "entity", id: "", group: undefined, asOf: undefined, feature: undefined }}
            current={route.view === "entity"}
          >
            Entities
          </NavLink>
          <a href={GRAPHIQL_URL} class="graphiql-link">
            GraphiQL
          </a>
          <button
            type="button"
            class="link-button"
            aria-expanded={tokenOpen}
            aria-controls="token-panel"
            onClick={() => setTokenOpen(!tokenOpen)}
          >
            {readToken() ? "Token set" : "API token"}
          </button>
        </nav>
      </header>
      {tokenOpen && (
        <div id="token-panel" class="token-panel">
          <TokenForm onDone={() => setTokenOpen(false)} />
        </div>
      )}
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <footer class="site-footer">
        Reads the public GraphQL API at <a href={GRAPHIQL_URL}>/graphql</a>: every view's query can be run in
        GraphiQL.
      </footer>
    </>
  );
}
