import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { GraphiQLOptions } from "graphql-yoga";

/*
 * Yoga's own GraphiQL page loads its stylesheet, script and editor workers from a public CDN,
 * which a machine without internet access cannot reach: the page then stays blank. The same
 * files ship in the @graphql-yoga/graphiql package, so the server hands them out itself.
 */

const require = createRequire(import.meta.url);
const packageJsonPath = require.resolve("@graphql-yoga/graphiql/package.json");
const { version } = require("@graphql-yoga/graphiql/package.json") as { version: string };
const distDir = join(dirname(packageJsonPath), "dist");

/**
 * Where the GraphiQL assets are served. The package's version is part of the path, so a
 * browser may keep them for a year and still gets the new files after an upgrade.
 */
export const GRAPHIQL_ASSETS_PATH = `/graphiql/${version}`;

/**
 * The only files served: the URL name each one has under {@link GRAPHIQL_ASSETS_PATH}, and its
 * place in the package's `dist/`. (The package's GraphQL worker really has a double dot.)
 */
const ASSET_FILES = {
  "graphiql.css": "graphiql.css",
  "yoga-graphiql.js": "yoga-graphiql.umd.js",
  "editor.worker.js": "monacoeditorwork/editor.worker.bundle.js",
  "json.worker.js": "monacoeditorwork/json.worker.bundle.js",
  "graphql.worker.js": "monacoeditorwork/graphql.worker..bundle.js",
} as const;

/** The name of one of the files served under {@link GRAPHIQL_ASSETS_PATH}. */
export type AssetName = keyof typeof ASSET_FILES;

/** Whether a requested name is one of the served files: nothing else is ever read from disk. */
export function isAssetName(name: string): name is AssetName {
  return Object.hasOwn(ASSET_FILES, name);
}

/** Where a served file lies on disk, in the package's `dist/`. */
export function assetFile(name: AssetName): string {
  return join(distDir, ASSET_FILES[name]);
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
 * Renders the GraphiQL page with every asset loaded from this server (see
 * `useGraphiQLAssets`), for yoga's `renderGraphiQL` option. It takes yoga's own options
 * (title, default query or tabs, headers, …) and hands them to GraphiQL. Without a `favicon`
 * option the page has an empty icon, so the browser asks for none. GraphiQL shows `title` as
 * HTML in its logo: it must come from the server's configuration, never from a request.
 *
 * @example
 * ```ts
 * createYoga({ schema, graphiql: { title: "Feature store" }, renderGraphiQL: renderOfflineGraphiQL,
 *   plugins: [useGraphiQLAssets()] });
 * ```
 */
export function renderOfflineGraphiQL(options: GraphiQLOptions): string {
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
<noscript>GraphiQL needs JavaScript.</noscript>
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
