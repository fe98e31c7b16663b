/**
 * The conformance suite as a public entry (`featurestore/testing`), for whoever writes a
 * backend: run it under vitest against your `StoreBackend` (see the README's "Writing a
 * backend"). Needs vitest and fast-check installed.
 */
export type { BackendHarness } from "./testing/conformance.js";
export { describeConformance, errorCode } from "./testing/conformance.js";
