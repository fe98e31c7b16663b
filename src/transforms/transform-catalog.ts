import { LRUCache } from "lru-cache";
import { isValidName } from "../core/definition.js";
import { TransformNotFoundError, ValidationError } from "../core/errors.js";
import { showValue } from "../core/show-value.js";
import type { FeatureStore } from "../store/feature-store.js";
import { CompiledTransform } from "./compiled-transform.js";
import { prepareTransform } from "./prepare-transform.js";
import {
  decodeTransform,
  encodeTransform,
  referenceOf,
  type StoredTransform,
  type TransformDeclaration,
} from "./transform-model.js";
import { parseReference } from "./transform-reference.js";

/** Options of a {@link TransformCatalog}. */
export interface TransformCatalogOptions {
  /**
   * The most entities whose current values one feature's fit reads (default 100,000). Past it
   * the parameters are fitted on a sample, and the stored transform says so (`fittedOn`).
   */
  fitLimit?: number;
  /**
   * How long, in ms, the newest version of a name is trusted once looked up (default 1000): a
   * version registered through another process is used by reads of the bare name at most this
   * late. Pinned versions (`name@version`) never change, so they are kept without limit.
   */
  latestTtlMs?: number;
}

/** What {@link TransformCatalog.register} did. */
export interface TransformRegistration {
  /** The newest version of the name now. */
  readonly transform: StoredTransform;
  /** False when the newest version already said exactly this, and nothing was stored. */
  readonly created: boolean;
}

/** How many compiled versions a catalog keeps: compiling is cheap, but not free on every read. */
const COMPILED_VERSIONS = 256;

/**
 * The stored transforms of a store: registered as versioned catalog records (kind
 * `transform`), so they live in every backend beside the definitions and every replica sees
 * them; compiled once per version for reads.
 */
export class TransformCatalog {
  private readonly fitLimit: number;
  private readonly latestTtlMs: number;
  private readonly compiled = new LRUCache<string, Promise<CompiledTransform>>({ max: COMPILED_VERSIONS });
  /** `name@version` as written -> its compiled transform, for {@link resolvedPin}. */
  private readonly pins = new Map<string, CompiledTransform>();
  /** Name -> newest version and until when to trust it. */
  private readonly newest = new Map<string, { version: number; untilMs: number }>();

  constructor(
    private readonly store: FeatureStore,
    options: TransformCatalogOptions = {},
  ) {
    this.fitLimit = options.fitLimit ?? 100_000;
    if (!Number.isSafeInteger(this.fitLimit) || this.fitLimit < 1) {
      throw new ValidationError(`fitLimit must be a positive integer, not ${showValue(options.fitLimit)}`);
    }
    this.latestTtlMs = options.latestTtlMs ?? 1000;
  }

  /**
   * Checks a declared transform against the registered features, fits the parameters it
   * leaves out from the store's current values, and stores it as the next version of its name:
   * a no-op when the newest version is exactly the same (same steps, same fitted parameters).
   * Old versions never change.
   * @throws ValidationError, FeatureNotFoundError (nothing is stored then).
   */
  async register(declaration: TransformDeclaration): Promise<TransformRegistration> {
    const prepared = await prepareTransform(declaration, this.store, { fitLimit: this.fitLimit });
    const { record, created } = await this.store.catalog.appendVersion(
      "transform",
      prepared.name,
      encodeTransform(prepared),
    );
    this.newest.set(record.name, { version: record.version, untilMs: Date.now() + this.latestTtlMs });
    return { transform: decodeTransform(record.name, record.version, record.body), created };
  }

  /**
   * What {@link register} would store now, storing nothing: the declaration checked and fitted,
   * and the newest version of its name (`null` when there is none), with whether it says exactly
   * the same (then register is a no-op).
   * @throws ValidationError, FeatureNotFoundError as register does.
   */
  async preview(
    declaration: TransformDeclaration,
  ): Promise<{ newest: StoredTransform | null; unchanged: boolean }> {
    const prepared = await prepareTransform(declaration, this.store, { fitLimit: this.fitLimit });
    const [newest] = await this.store.catalog.latest("transform", [prepared.name]);
    return {
      newest: newest ? decodeTransform(newest.name, newest.version, newest.body) : null,
      unchanged: newest?.body === encodeTransform(prepared),
    };
  }

  /** A version of a transform (the newest when `version` is omitted), or `null`. */
  async get(name: string, version?: number): Promise<StoredTransform | null> {
    if (!isValidName(name)) return null;
    const records = await this.store.catalog.versions("transform", [name]);
    const record = version === undefined ? records.at(-1) : records.find((r) => r.version === version);
    return record ? decodeTransform(record.name, record.version, record.body) : null;
  }

  /** The newest version of every transform sorted by name, or every version of one name, oldest first. */
  async list(name?: string): Promise<StoredTransform[]> {
    if (name !== undefined) {
      if (!isValidName(name)) return [];
      const records = await this.store.catalog.versions("transform", [name]);
      return records.map((r) => decodeTransform(r.name, r.version, r.body));
    }
    return (await this.store.catalog.latest("transform")).map((r) =>
      decodeTransform(r.name, r.version, r.body),
    );
  }

  /**
   * The compiled transform a reference names: `name@version`, or a bare `name` for its newest
   * version.
   * @throws ValidationError for a malformed reference; TransformNotFoundError for one that is not registered.
   */
  async resolve(reference: string): Promise<CompiledTransform> {
    return this.resolvedPin(reference) ?? this.lookUp(reference);
  }

  /**
   * The compiled transform of a `name@version` reference this catalog has resolved before, with
   * no lookup and no promise: a pinned version never changes, and this is the read path's
   * common case. Undefined for anything else.
   */
  resolvedPin(reference: string): CompiledTransform | undefined {
    return this.pins.get(reference);
  }

  private async lookUp(reference: string): Promise<CompiledTransform> {
    const { name, version } = parseReference(reference);
    const pinned = version ?? (await this.newestVersion(name, reference));
    const key = `${name}@${pinned}`;
    let compiled = this.compiled.get(key);
    if (!compiled) {
      compiled = this.get(name, pinned).then((stored) => {
        if (!stored) throw new TransformNotFoundError(reference);
        return new CompiledTransform(stored);
      });
      // A failed lookup is not kept: the version may be registered by the next call.
      compiled.catch(() => this.compiled.delete(key));
      this.compiled.set(key, compiled);
    }
    const found = await compiled;
    if (version !== undefined) this.pin(reference, found);
    return found;
  }

  private pin(reference: string, compiled: CompiledTransform): void {
    if (this.pins.size >= PINNED_REFERENCES) this.pins.clear();
    this.pins.set(reference, compiled);
  }

  private async newestVersion(name: string, reference: string): Promise<number> {
    const known = this.newest.get(name);
    if (known && known.untilMs > Date.now()) return known.version;
    const stored = await this.get(name);
    if (!stored) throw new TransformNotFoundError(reference);
    if (this.newest.size > 10_000) this.newest.clear();
    this.newest.set(name, { version: stored.version, untilMs: Date.now() + this.latestTtlMs });
    this.compiled.set(referenceOf(stored), Promise.resolve(new CompiledTransform(stored)));
    return stored.version;
  }
}

/** The most pinned references a catalog remembers before it starts again. */
const PINNED_REFERENCES = 1000;
