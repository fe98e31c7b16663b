import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import { type AppOptions, createApp, type FeatureStoreApp } from "../../src/app.js";
import { loadDemoData } from "../../src/graphql/demo-data.js";
import { FeatureService } from "../../src/index.js";
import { CountingStore } from "./counting-store.js";

/** A GraphQL error as it arrives over HTTP. */
export interface WireError {
  message: string;
  path?: (string | number)[];
  locations?: { line: number; column: number }[];
  extensions?: Record<string, unknown>;
}

/** A response: its HTTP status and its decoded GraphQL body. */
export interface Reply<TData> {
  status: number;
  headers: Headers;
  data?: TData | null;
  errors?: WireError[];
}

/** An app over a fresh counting store, with the demo data set loaded unless asked not to. */
export interface TestApp {
  app: FeatureStoreApp;
  store: CountingStore;
  service: FeatureService;
}

/** Builds an app over a fresh {@link CountingStore}; `demo` (default true) loads the demo data. */
export async function testApp(options: Partial<AppOptions> & { demo?: boolean } = {}): Promise<TestApp> {
  const store = new CountingStore();
  const service = options.service ?? new FeatureService(store);
  if (options.demo !== false) await loadDemoData(service);
  store.resetCounts();
  const { demo: _demo, ...appOptions } = options;
  return { app: createApp({ ...appOptions, service }), store, service };
}

/** POSTs any JSON body to /graphql and decodes the answer. */
export async function post<TData = Record<string, unknown>>(
  app: FeatureStoreApp,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Reply<TData>> {
  const response = await app.fetch("http://localhost/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  const decoded = (text === "" ? {} : JSON.parse(text)) as { data?: TData | null; errors?: WireError[] };
  return { status: response.status, headers: response.headers, ...decoded };
}

/** Runs a generated typed document; the reply's data has the operation's generated type. */
export function run<TData, TVariables>(
  app: FeatureStoreApp,
  document: TypedDocumentNode<TData, TVariables>,
  variables?: TVariables,
  headers: Record<string, string> = {},
): Promise<Reply<TData>> {
  return post<TData>(app, { query: print(document), variables }, headers);
}

/** Runs a query given as text. */
export function query<TData = Record<string, unknown>>(
  app: FeatureStoreApp,
  text: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Reply<TData>> {
  return post<TData>(app, { query: text, variables }, headers);
}

/** The `extensions.code` of each error, in order. */
export function codes(reply: Reply<unknown>): unknown[] {
  return (reply.errors ?? []).map((e) => e.extensions?.code);
}
