import type { FeatureData, FeatureVector, VectorEntry } from "../core/models.js";
import { setOwn } from "../core/own-property.js";
import { typeOfExpression } from "./expression/check-expression.js";
import { compileExpression, type Evaluator } from "./expression/compile-expression.js";
import type { Expr, ExprType } from "./expression/expression-tree.js";
import type { StepFn } from "./steps/step-kind.js";
import { STEP_KINDS } from "./steps/step-registry.js";
import { referenceOf, type StoredTransform } from "./transform-model.js";
import type { ValueShape } from "./value-shape.js";
import type { VectorTransform } from "./vector-transform.js";

/** A derived feature ready to evaluate. */
interface DerivedPlan {
  readonly name: string;
  readonly evaluate: Evaluator;
  /** Its slot: where later derived features read its value. */
  readonly slot: number;
  /** The slots of the stored features it reads, directly or through other derived features. */
  readonly sources: readonly number[];
}

/** What the transform does with one feature of a vector: its steps, and its slot when derived features read it. */
interface FeaturePlan {
  readonly steps: StepFn | undefined;
  readonly slot: number;
}

/** Where the entries of a list of names meet a transform (see `CompiledTransform.layoutOf`). */
interface Layout {
  readonly names: readonly string[];
  /** Each entry's plan, by position. */
  readonly plans: readonly (FeaturePlan | undefined)[];
  /** The positions of the entries with steps, ascending. */
  readonly stepped: readonly number[];
  /** The position of the first entry of each feature derived features read. */
  readonly slotted: readonly number[];
}

/**
 * A stored transform version turned into one function over vectors, once (the service keeps
 * them cached by `name@version`): the steps of each feature composed, the derived features'
 * expressions compiled. This is the one code path that applies a stored transform: every read
 * that applies one (one vector, a batch, a group, GraphQL's fields) calls {@link apply} or
 * {@link applyOwned}, which share one body.
 */
export class CompiledTransform implements VectorTransform {
  /** `name@version`: what the vector and each entry it produced say. */
  readonly reference: string;
  /**
   * The stored features the derived features read (directly or through each other): a read
   * that applies the transform asks the store for these too ({@link readNames}).
   */
  readonly derivedInputs: readonly string[];
  private readonly plans = new Map<string, FeaturePlan>();
  private readonly derived: readonly DerivedPlan[];
  private readonly slotCount: number;
  /** The layout {@link layoutOf} answered last. */
  private lastLayout: Layout | undefined;

  constructor(readonly transform: StoredTransform) {
    this.reference = referenceOf(transform);
    const steps = new Map(
      transform.features.map((f) => [f.featureName, composeSteps(f.featureName, transform)]),
    );
    const derivedNames = new Set(transform.derived.map((d) => d.name));
    const inputs: string[] = [];
    for (const d of transform.derived) {
      for (const ref of d.inputs) if (!derivedNames.has(ref) && !inputs.includes(ref)) inputs.push(ref);
    }
    this.derivedInputs = inputs;
    for (const [name, fn] of steps) this.plans.set(name, { steps: fn, slot: -1 });
    for (const [slot, name] of inputs.entries()) this.plans.set(name, { steps: steps.get(name), slot });
    const slots = new Map(inputs.map((name, slot) => [name, slot]));
    const sourcesOf = new Map<string, number[]>();
    this.derived = transform.derived.map((d, i) => {
      const slot = inputs.length + i;
      const nodeTypes = new Map<Expr, ExprType>();
      // Checked at registration; this pass records each node's type for the compiler.
      const typeOfInput = (ref: string) => d.inputTypes[d.inputs.indexOf(ref)] as ExprType;
      typeOfExpression(d.tree, typeOfInput, `derived feature "${d.name}"`, nodeTypes);
      const sources = new Set<number>();
      for (const ref of d.inputs) {
        const stored = slots.get(ref);
        if (stored !== undefined) sources.add(stored);
        for (const s of sourcesOf.get(ref) ?? []) sources.add(s);
      }
      sourcesOf.set(d.name, [...sources]);
      slots.set(d.name, slot);
      return {
        name: d.name,
        evaluate: compileExpression(d.tree, (ref) => slots.get(ref) as number, nodeTypes),
        slot,
        sources: [...sources],
      };
    });
    this.slotCount = inputs.length + this.derived.length;
  }

  /**
   * The feature names to read for a vector of `featureNames` with this transform: those names,
   * then the derived features' inputs that are not among them.
   */
  readNames(featureNames: readonly string[]): readonly string[] {
    const extra = this.derivedInputs.filter((name) => !featureNames.includes(name));
    return extra.length === 0 ? featureNames : [...featureNames, ...extra];
  }

  /**
   * The transformed vector: the first `requested` features of `vector` (by default all), each
   * through its steps (features without steps unchanged), then every derived feature. A new
   * vector: the input is not changed (entries without steps are shared with it, values of
   * entries with steps are new). Each entry this transform produced says so in `transform`; a
   * derived entry has no version, the latest event time of the stored features it reads, and
   * `usedDefault` when any of them served its default.
   * @param vector a vector read for {@link readNames} of the requested names.
   */
  apply(vector: FeatureVector, requested = vector.entries.length): FeatureVector {
    return this.run(vector, requested, false);
  }

  /**
   * {@link apply}, transforming `vector` itself instead of building a new one: for a vector no
   * one else holds (one just read from the store for this call), where rebuilding its
   * 50-key `values` would cost more than every step together. `vector` is the answer.
   */
  applyOwned(vector: FeatureVector, requested = vector.entries.length): FeatureVector {
    return this.run(vector, requested, true);
  }

  /**
   * Where a vector's entries meet this transform, by position. Reads repeat one list of names
   * (a model's features, a DataLoader's batch), so the last layout is kept and checked name by
   * name, which costs less than looking every name up again.
   */
  private layoutOf(entries: readonly VectorEntry[]): Layout {
    const last = this.lastLayout;
    if (last && last.names.length === entries.length) {
      let same = true;
      for (let i = 0; i < entries.length && same; i++) same = entries[i]?.featureName === last.names[i];
      if (same) return last;
    }
    const names = entries.map((e) => e.featureName);
    const plans = names.map((name) => this.plans.get(name));
    const stepped: number[] = [];
    const slotted: number[] = [];
    const filled = new Set<number>();
    plans.forEach((plan, i) => {
      if (plan?.steps !== undefined) stepped.push(i);
      if (plan !== undefined && plan.slot >= 0 && !filled.has(plan.slot)) {
        filled.add(plan.slot);
        slotted.push(i);
      }
    });
    this.lastLayout = { names, plans, stepped, slotted };
    return this.lastLayout;
  }

  /**
   * The output columns of a vector of `featureNames` read through this transform, in the order
   * {@link apply} gives its entries: each name with the type its steps end in (its own, `shapes`,
   * when it has none), then every derived feature. What a file of transformed vectors declares.
   * @param shapes the type of each of `featureNames`, in order.
   */
  outputShapes(
    featureNames: readonly string[],
    shapes: readonly ValueShape[],
  ): { readonly name: string; readonly shape: ValueShape }[] {
    const columns = featureNames.map((name, i) => {
      const steps = this.transform.features.find((f) => f.featureName === name)?.steps;
      return { name, shape: steps?.at(-1)?.output ?? (shapes[i] as ValueShape) };
    });
    for (const d of this.transform.derived) {
      columns.push({
        name: d.name,
        shape: { featureType: d.featureType, valueType: d.valueType, dimension: null },
      });
    }
    return columns;
  }

  /** An entry with its steps applied, saying which transform produced it. */
  private stepped(entry: VectorEntry, steps: StepFn): VectorEntry {
    // Spelled out: an object spread here costs V8 microseconds per entry, more than all the steps.
    const out: VectorEntry = {
      featureName: entry.featureName,
      value: steps(entry.value),
      version: entry.version,
      eventTimeMs: entry.eventTimeMs,
      usedDefault: entry.usedDefault,
      registered: entry.registered,
      transform: this.reference,
    };
    // A value lost to trimmed history is unknown: no step (FILL_DEFAULT least of all) may stand in for it.
    if (entry.historyTrimmed) {
      out.value = null;
      out.historyTrimmed = true;
    }
    return out;
  }

  private run(vector: FeatureVector, requested: number, owned: boolean): FeatureVector {
    const source = vector.entries;
    const layout = this.layoutOf(source);
    const slots: (FeatureData | null)[] | undefined =
      this.slotCount > 0 ? new Array(this.slotCount).fill(null) : undefined;
    const slotEntries: (VectorEntry | undefined)[] = [];
    if (slots) {
      for (const i of layout.slotted) {
        const entry = source[i] as VectorEntry;
        const slot = (layout.plans[i] as FeaturePlan).slot;
        slots[slot] = entry.value;
        slotEntries[slot] = entry;
      }
    }
    let entries: VectorEntry[];
    let values: Record<string, FeatureData | null>;
    if (owned) {
      // Only the entries with steps change; the derived features' extra inputs go.
      entries = source;
      values = vector.values;
      for (const i of layout.stepped) {
        if (i >= requested) break;
        const out = this.stepped(source[i] as VectorEntry, (layout.plans[i] as FeaturePlan).steps as StepFn);
        entries[i] = out;
        setOwn(values, out.featureName, out.value);
      }
      for (let i = requested; i < source.length; i++) delete values[(source[i] as VectorEntry).featureName];
      entries.length = Math.min(requested, entries.length);
    } else {
      entries = [];
      values = {};
      for (let i = 0; i < requested && i < source.length; i++) {
        const entry = source[i] as VectorEntry;
        const steps = layout.plans[i]?.steps;
        const out = steps === undefined ? entry : this.stepped(entry, steps);
        setOwn(values, out.featureName, out.value);
        entries.push(out);
      }
    }
    if (slots) {
      for (const d of this.derived) {
        const value = d.evaluate(slots);
        slots[d.slot] = value;
        let eventTimeMs: number | null = null;
        let usedDefault = false;
        let trimmed = false;
        for (const s of d.sources) {
          const from = slotEntries[s];
          if (from?.eventTimeMs != null && (eventTimeMs === null || from.eventTimeMs > eventTimeMs)) {
            eventTimeMs = from.eventTimeMs;
          }
          if (from?.usedDefault) usedDefault = true;
          if (from?.historyTrimmed) trimmed = true;
        }
        const entry: VectorEntry = {
          featureName: d.name,
          value: trimmed ? null : value,
          version: null,
          eventTimeMs,
          usedDefault,
          registered: false,
          transform: this.reference,
        };
        // Computed from a value lost to trimmed history, it is unknown too.
        if (trimmed) entry.historyTrimmed = true;
        setOwn(values, d.name, entry.value);
        entries.push(entry);
      }
    }
    if (!owned) return { entityId: vector.entityId, values, entries, transform: this.reference };
    vector.transform = this.reference;
    return vector;
  }
}

/** A feature's steps as one function (input shape from the registration's chain). */
function composeSteps(featureName: string, transform: StoredTransform): StepFn {
  const feature = transform.features.find((f) => f.featureName === featureName);
  if (!feature) throw new Error(`no steps for ${featureName}`);
  const fns: StepFn[] = [];
  let input: ValueShape = feature.input;
  for (const step of feature.steps) {
    const kind = STEP_KINDS.get(step.kind);
    if (!kind)
      throw new Error(
        `transform ${transform.name}@${transform.version} has a step of unknown kind ${step.kind}`,
      );
    fns.push(kind.compile(step.params, input));
    input = step.output;
  }
  if (fns.length === 1) return fns[0] as StepFn;
  return (value) => {
    let v = value;
    for (const fn of fns) v = fn(v);
    return v;
  };
}
