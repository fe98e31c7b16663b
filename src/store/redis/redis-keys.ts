import type { CatalogKind } from "../backend.js";
import { checkNamespace } from "../namespace.js";

/** Digits of a version as a hash field and sorted-set member: enough for any real key's history. */
export const VERSION_DIGITS = 15;

/**
 * Makes an entity id safe inside a hash tag. Redis ends a tag at the first `}`, so a raw `}`
 * would move the tag boundary; `%`, `{` and `}` are percent-escaped, which keeps the mapping
 * one-to-one (two different ids never give the same text) and leaves every other id unchanged.
 */
function escapeEntityId(entityId: string): string {
  return entityId.replace(/[%{}]/g, (c) => (c === "%" ? "%25" : c === "{" ? "%7B" : "%7D"));
}

/** The namespace-level keys: the catalog, and the hashes it replaced (read once, to migrate them). */
export interface NamespaceKeys {
  /** Hash per kind: name -> JSON list of the bodies of its versions, version 1 first. */
  catalog(kind: CatalogKind): string;
  /** Hashes of name -> body of an older layout, moved into the catalog on open. */
  readonly legacy: { readonly definitions: string; readonly groups: string };
}

/** The keys of one entity; all of them carry the same hash tag, so they share one cluster slot. */
export interface EntityKeys {
  /** Hash: feature name -> the key's current entry. */
  readonly current: string;
  /** Hash: feature name -> the last version handed out (never trimmed, never reset). */
  readonly sequence: string;
  /** Hash: zero-padded version -> entry, the retained history of one feature. */
  history(featureName: string): string;
  /** Sorted set: zero-padded version scored by event time, for reads as of a time. */
  timeline(featureName: string): string;
  /**
   * Hash: feature name -> `<min>:<max>`, the least and greatest event times of the entries trimmed
   * from its history so far; absent while nothing has been trimmed. Reads as of a time use it to
   * tell when a trimmed entry could have been the answer.
   */
  readonly trimmed: string;
}

/** The keys that hold a namespace's catalog. */
export function namespaceKeys(namespace: string): NamespaceKeys {
  return {
    catalog: (kind) => `fs:{${namespace}}:catalog:${kind}`,
    legacy: { definitions: `fs:{${namespace}}:defs`, groups: `fs:{${namespace}}:groups` },
  };
}

/** The keys that hold one entity's data in a namespace. */
export function entityKeys(namespace: string, entityId: string): EntityKeys {
  const tag = `fs:{${namespace}:${escapeEntityId(entityId)}}`;
  return {
    current: `${tag}:cur`,
    sequence: `${tag}:seq`,
    trimmed: `${tag}:trim`,
    history: (featureName) => `${tag}:h:${featureName}`,
    timeline: (featureName) => `${tag}:t:${featureName}`,
  };
}

/**
 * A `SCAN MATCH` pattern for the current hash of every entity of a namespace: only an entity's
 * tag holds `}` (ids are escaped, feature names never hold one), so nothing else ends in `}:cur`.
 */
export function currentKeyPattern(namespace: string): string {
  return `fs:{${checkNamespace(namespace)}:*}:cur`;
}

/**
 * A `SCAN MATCH` pattern for every key of a namespace and no other: after the namespace comes
 * either `}` (namespace keys) or `:` (entity keys), and a namespace never holds either character.
 */
export function namespacePattern(namespace: string): string {
  return `fs:{${checkNamespace(namespace)}[:}]*`;
}

/**
 * A version as a history field and sorted-set member. Zero padding makes the text order the
 * numeric order, so members with equal event times sort by version.
 */
export function versionField(version: number): string {
  return String(version).padStart(VERSION_DIGITS, "0");
}

/**
 * The entity id of a current hash's key (one {@link currentKeyPattern} matched), undoing the
 * escaping of {@link entityKeys}.
 */
export function entityIdOfCurrentKey(namespace: string, key: string): string {
  const escaped = key.slice(`fs:{${namespace}:`.length, -"}:cur".length);
  return escaped.replace(/%7B|%7D|%25/g, (c) => (c === "%7B" ? "{" : c === "%7D" ? "}" : "%"));
}
