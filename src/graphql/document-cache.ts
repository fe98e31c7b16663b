import type { DocumentNode, Token } from "graphql";
import { LRUCache } from "lru-cache";

/** How much {@link DocumentCache} keeps; see {@link DEFAULT_DOCUMENT_CACHE_LIMITS}. */
export interface DocumentCacheLimits {
  /**
   * Most memory all cached documents may take together, in bytes as estimated: two per
   * character of text (the document's `Source` holds the same string as the cache key) and
   * 512 per token.
   */
  maxBytes: number;
  /** Longest text of a document that is cached, in characters. */
  maxLength: number;
  /** Most tokens of a document that is cached. */
  maxTokens: number;
}

/**
 * Room for a few hundred operations of the usual size (the standard introspection query is
 * 165 tokens, about 90 KiB as estimated). An operation is a few KiB of text and
 * a few hundred tokens; a longer text is mostly comment, blank or literal, and a document of
 * more tokens is rare enough to be parsed each time it comes, so neither can crowd out the
 * operations that repeat.
 */
export const DEFAULT_DOCUMENT_CACHE_LIMITS: Readonly<DocumentCacheLimits> = Object.freeze({
  maxBytes: 32 * 1024 * 1024,
  maxLength: 16 * 1024,
  maxTokens: 1000,
});

/**
 * Heap bytes graphql-js keeps per token of a parsed document, rounded up: each token is a
 * `Token`, most are a node and its `Location` too. Measured on graphql 16: 310 to 360 bytes per
 * token for ordinary operations, 485 for a document of nothing but field names.
 */
const BYTES_PER_TOKEN = 512;

function tokenCount(document: DocumentNode): number {
  let count = 0;
  for (let token: Token | null | undefined = document.loc?.startToken; token; token = token.next) count++;
  return count;
}

/**
 * The parsed-document cache yoga consults before parsing (its `parserAndValidationCache`
 * option), bounded by memory rather than by a count: yoga's own keeps the last 1024 documents,
 * whatever their size, keyed by their whole text, so distinct large documents pinned gigabytes.
 * Here a document past {@link DocumentCacheLimits.maxLength} or
 * {@link DocumentCacheLimits.maxTokens} is never kept, and the least recently used ones are
 * dropped (by lru-cache) to stay within {@link DocumentCacheLimits.maxBytes}. (Parse failures
 * are not kept at all, and documents that fail validation are dropped: see `useDocumentCache`.)
 */
export class DocumentCache {
  readonly limits: DocumentCacheLimits;
  private readonly entries: LRUCache<string, DocumentNode>;

  constructor(limits: Partial<DocumentCacheLimits> = {}) {
    this.limits = { ...DEFAULT_DOCUMENT_CACHE_LIMITS, ...limits };
    this.entries = new LRUCache<string, DocumentNode>({
      maxSize: this.limits.maxBytes,
      sizeCalculation: (document, text) => 2 * text.length + BYTES_PER_TOKEN * tokenCount(document),
    });
  }

  /** The documents held. */
  get size(): number {
    return this.entries.size;
  }

  /** The estimated memory the documents held take (see `maxBytes`); never over `maxBytes`. */
  get bytes(): number {
    return this.entries.calculatedSize;
  }

  /** Whether the document of this text is held (without counting as a use). */
  has(text: string): boolean {
    return this.entries.has(text);
  }

  /** The parsed document of this text, if held; it becomes the most recently used. */
  get(text: string): DocumentNode | undefined {
    return this.entries.get(text);
  }

  /** Keeps a parsed document, unless it is too long or too large to be worth its room. */
  set(text: string, document: DocumentNode): void {
    if (text.length > this.limits.maxLength || tokenCount(document) > this.limits.maxTokens) return;
    this.entries.set(text, document);
  }

  /** Forgets the document of this text. */
  delete(text: string): void {
    this.entries.delete(text);
  }
}

/**
 * The error cache handed to yoga: it keeps nothing. Yoga would keep each parse error under the
 * document's whole text; a client that sends the same broken document again pays its parse
 * again, and the server holds no text it could not use.
 */
export const NO_ERROR_CACHE = Object.freeze({
  get: (_text: string): undefined => undefined,
  set: (_text: string, _error: unknown): void => {},
});
