/**
 * The GraphQL API server's public entry (`featurestore/api`): build the app over a service, or
 * run the whole server. Kept apart from the library entry so that using the store alone does not
 * load the GraphQL stack.
 */
export type { AppOptions, FeatureStoreApp } from "./app.js";
export { createApp, GRAPHQL_PATH } from "./app.js";
export type { FeatureEventsOptions } from "./graphql/events.js";
export type { ApiLimits } from "./graphql/limits.js";
export { DEFAULT_LIMITS } from "./graphql/limits.js";
export type { AuthOptions } from "./graphql/plugins/use-bearer-auth.js";
export type { RunningServer } from "./server.js";
export { runServer, startServer } from "./server.js";
export type { ServerConfig } from "./server-config.js";
export { readServerConfig } from "./server-config.js";
