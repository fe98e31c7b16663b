import { fileURLToPath } from "node:url";
import type { GraphiQLOptions } from "graphql-yoga";

/*
 * Yoga's own GraphiQL page loads its stylesheet, script and editor workers from a public CDN,
 * which a machine without internet access cannot reach: the page then stays blank. The same
 * files ship, prebuilt, in the @graphql-yoga/graphiql package; `npm run build` copies the few
 * this page loads into `dist/graphiql/` (scripts/copy-graphiql-assets.ts), and the server hands
 * them out itself. That package (with React, Monaco and GraphiQL's dependency tree) is then
 * needed only to build, not by an installed server.
 */

/**
 * The @graphql-yoga/graphiql version the files are copied from. The build refuses to copy
 * another version, so the URLs below never name a version other than the files they serve.
 */
export const GRAPHIQL_VERSION = "4.5.0";

/**
 * Where the copied files are: `dist/graphiql/` at the package root, which is two levels up
 * from this module both as source (`src/graphql/`) and as build output (`dist/graphql/`).
 */
const assetsDir = new URL("../../dist/graphiql/", import.meta.url);

/**
 * Where the GraphiQL assets are served. The package's version is part of the path, so a
 * browser may keep them for a year and still gets the new files after an upgrade.
 */
export const GRAPHIQL_ASSETS_PATH = `/graphiql/${GRAPHIQL_VERSION}`;

/**
 * The only files served: the URL name each one has under {@link GRAPHIQL_ASSETS_PATH}, and its
 * place in the package's `dist/`, which is also its place in the copy. (The package's GraphQL
 * worker really has a double dot.)
 */
export const GRAPHIQL_ASSET_FILES = {
  "graphiql.css": "graphiql.css",
  "yoga-graphiql.js": "yoga-graphiql.umd.js",
  "editor.worker.js": "monacoeditorwork/editor.worker.bundle.js",
  "json.worker.js": "monacoeditorwork/json.worker.bundle.js",
  "graphql.worker.js": "monacoeditorwork/graphql.worker..bundle.js",
} as const;

/** The name of one of the files served under {@link GRAPHIQL_ASSETS_PATH}. */
export type AssetName = keyof typeof GRAPHIQL_ASSET_FILES;

/** Whether a requested name is one of the served files: nothing else is ever read from disk. */
export function isAssetName(name: string): name is AssetName {
  return Object.hasOwn(GRAPHIQL_ASSET_FILES, name);
}

/** Where a served file lies on disk, in the copy under `dist/graphiql/`. */
export function assetFile(name: AssetName): string {
  return fileURLToPath(new URL(GRAPHIQL_ASSET_FILES[name], assetsDir));
}

function assetUrl(name: AssetName): string {
  return `${GRAPHIQL_ASSETS_PATH}/${name}`;
}

/** The editor's web workers by the label Monaco asks for them with. */
const WORKER_URLS = {
  editorWorkerService: assetUrl("editor.worker.js"),
  json: assetUrl("json.worker.js"),
  graphql: assetUrl("graphql.worker.js"),
};

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** JSON that can sit inside a `<script>` element: no `</script>` or `<!--` can end it early. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

/**
 * A link back to the feature explorer, pinned to the page's bottom right corner, above the
 * editor (GraphiQL's own controls sit at the left and top). Inline styles: the page has no
 * stylesheet of ours.
 */
function explorerLink(href: string): string {
  const style =
    "position:fixed;right:16px;bottom:12px;z-index:1000;padding:6px 12px;border-radius:999px;" +
    "background:#17233f;color:#fff;font:600 13px system-ui,sans-serif;text-decoration:none;" +
    "box-shadow:0 1px 4px rgba(0,0,0,.3)";
  return `<a id="feature-explorer-link" href="${escapeHtml(href)}" style="${style}">← Feature explorer</a>\n`;
}

/**
 * Renders the GraphiQL page with every asset loaded from this server (see
 * `useGraphiQLAssets`), for yoga's `renderGraphiQL` option. It takes yoga's own options
 * (title, default query or tabs, headers, …) and hands them to GraphiQL. Without a `favicon`
 * option the page has an empty icon, so the browser asks for none. GraphiQL shows `title` as
 * HTML in its logo: it must come from the server's configuration, never from a request.
 *
 * With `page.explorerLink`, the page also carries a link back to the feature explorer there.
 *
 * @example
 * ```ts
 * createYoga({ schema, graphiql: { title: "Feature store" }, renderGraphiQL: renderOfflineGraphiQL,
 *   plugins: [useGraphiQLAssets()] });
 * ```
 */
export function renderOfflineGraphiQL(
  options: GraphiQLOptions,
  page: { readonly explorerLink?: string | undefined } = {},
): string {
  // Yoga's GraphiQL opens with its `query` option, or its own welcome text when that is unset,
  // and so never shows `defaultQuery`: the default query is handed over as `query` as well.
  const clientOptions =
    options.defaultQuery === undefined ? options : { query: options.defaultQuery, ...options };
  const title = escapeHtml(options.title || "GraphiQL");
  const favicon = escapeHtml(options.favicon ?? "data:,");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" href="${favicon}">
<link rel="stylesheet" href="${assetUrl("graphiql.css")}">
</head>
<body id="body" class="no-focus-outline">
${page.explorerLink === undefined ? "" : explorerLink(page.explorerLink)}<noscript>GraphiQL needs JavaScript.</noscript>
<div id="root">Loading ${title}…</div>
<script>
const workerUrls = ${scriptJson(WORKER_URLS)};
self.MonacoEnvironment = {
  globalAPI: false,
  getWorkerUrl: (_moduleId, label) => workerUrls[label] ?? workerUrls.editorWorkerService,
};
</script>
<script src="${assetUrl("yoga-graphiql.js")}"></script>
<script>YogaGraphiQL.renderYogaGraphiQL(document.getElementById("root"), ${scriptJson(clientOptions)});</script>
</body>
</html>
`;
}
