import { checkName } from "../core/definition.js";
import { FeatureType, ValueType } from "../core/enums.js";
import { FeatureNotFoundError, ValidationError } from "../core/errors.js";
import type { FeatureData, NormalizedDefinition } from "../core/models.js";
import { showValue } from "../core/show-value.js";
import type { FeatureStore } from "../store/feature-store.js";
import { typeOfExpression } from "./expression/check-expression.js";
import { type ExprType, refsOf } from "./expression/expression-tree.js";
import { parseExpression } from "./expression/parse-expression.js";
import type { CheckedStep, StepFn } from "./steps/step-kind.js";
import { STEP_KIND_NAMES, STEP_KINDS } from "./steps/step-registry.js";
import type {
  DerivedDeclaration,
  FitSample,
  StepDeclaration,
  StoredDerived,
  StoredFeatureSteps,
  StoredStep,
  StoredTransform,
  TransformDeclaration,
} from "./transform-model.js";
import { shapeOf, type ValueShape } from "./value-shape.js";

/** The most features one transform gives steps to. */
const MAX_FEATURES = 1000;
/** The most steps one feature's chain holds. */
const MAX_STEPS = 32;
/** The most derived features one transform declares. */
const MAX_DERIVED = 100;

/** The parameter fields of a step declaration; each step kind takes some of them. */
const PARAMETER_FIELDS = [
  "mean",
  "std",
  "min",
  "max",
  "boundaries",
  "categories",
  "maxCategories",
  "value",
  "buckets",
] as const;

/** The value types a derived feature may have under each feature type. */
const DERIVED_TYPES: Partial<Record<FeatureType, readonly ValueType[]>> = {
  [FeatureType.NUMERIC]: [ValueType.INT, ValueType.FLOAT],
  [FeatureType.BOOLEAN]: [ValueType.BOOL],
  [FeatureType.CATEGORICAL]: [ValueType.STRING, ValueType.INT, ValueType.BOOL],
  [FeatureType.TEXT]: [ValueType.STRING],
};

/** What reading the store's values to fit parameters may read. */
export interface FitOptions {
  /** The most entities whose values one feature's fit reads (see `FeatureStore.currentValues`). */
  readonly fitLimit: number;
}

/**
 * Checks a declared transform against the registered features and fits the parameters it
 * leaves out, giving the body to store (everything but the version). Every declaration error
 * is found before any value is read.
 * @throws ValidationError for a malformed declaration, a step that does not fit its input's
 * type, a bad expression, or a parameter with no values to fit it from.
 * @throws FeatureNotFoundError for a feature that is not registered.
 */
export async function prepareTransform(
  declaration: TransformDeclaration,
  store: FeatureStore,
  options: FitOptions,
): Promise<Omit<StoredTransform, "version">> {
  if (declaration === null || typeof declaration !== "object") {
    throw new ValidationError("a transform must be an object");
  }
  const name = checkName(declaration.name, "transform");
  const description = checkText(declaration.description, `transform "${name}"`);
  const features = listOf(declaration.features, "features", MAX_FEATURES, name);
  const derived = listOf(declaration.derived, "derived", MAX_DERIVED, name);
  if (features.length === 0 && derived.length === 0) {
    throw new ValidationError(`transform "${name}" needs steps for a feature or a derived feature`);
  }
  const stepped = features.map((f, i) => {
    if (f === null || typeof f !== "object") throw new ValidationError(`features[${i}] must be an object`);
    const featureName = checkName(f.featureName);
    return { featureName, steps: listOf(f.steps, `steps of "${featureName}"`, MAX_STEPS, name) };
  });
  const repeated = stepped.find((f, i) => stepped.findIndex((g) => g.featureName === f.featureName) !== i);
  if (repeated) {
    throw new ValidationError(
      `transform "${name}" lists feature "${repeated.featureName}" twice: chain its steps in one list`,
    );
  }
  const parsed = derived.map((d, i) => parseDerived(d, i));
  const derivedNames = new Set<string>();
  for (const d of parsed) {
    if (derivedNames.has(d.name)) throw new ValidationError(`derived feature "${d.name}" is declared twice`);
    derivedNames.add(d.name);
  }
  // Every stored feature the transform names, looked up at once.
  const stored = [
    ...new Set([
      ...stepped.map((f) => f.featureName),
      ...parsed.flatMap((d) => d.refs.filter((r) => !derivedNames.has(r))),
    ]),
  ];
  const defs = new Map<string, NormalizedDefinition>();
  (await store.getDefinitions(stored)).forEach((def, i) => {
    if (!def) throw new FeatureNotFoundError(stored[i] as string);
    defs.set(def.name, def);
  });
  for (const d of parsed) {
    const clash = (await store.getDefinition(d.name)) ?? stepped.find((f) => f.featureName === d.name);
    if (clash) {
      throw new ValidationError(
        `derived feature "${d.name}" has the name of a registered feature: choose another`,
      );
    }
  }
  const chains = stepped.map(({ featureName, steps }) =>
    checkChain(featureName, steps, shapeOf(defs.get(featureName) as NormalizedDefinition)),
  );
  const derivedOut = checkDerived(parsed, defs);
  const featuresOut: StoredFeatureSteps[] = [];
  for (const chain of chains) featuresOut.push(await fitChain(chain, store, options));
  return { name, description, features: featuresOut, derived: derivedOut };
}

function checkText(value: unknown, owner: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") throw new ValidationError(`the description of ${owner} must be a string`);
  return value;
}

function listOf<T>(
  value: readonly T[] | null | undefined,
  what: string,
  max: number,
  owner: string,
): readonly T[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ValidationError(`${what} of transform "${owner}" must be a list`);
  if (value.length > max) throw new ValidationError(`transform "${owner}" has more than ${max} ${what}`);
  return value;
}

/** A feature's steps checked against its type, before fitting. */
interface CheckedChain {
  readonly featureName: string;
  readonly input: ValueShape;
  readonly steps: readonly {
    readonly kind: string;
    readonly given: Record<string, unknown>;
    readonly checked: CheckedStep;
  }[];
}

/** Checks each step's parameters and that it takes what the step before it outputs. */
function checkChain(featureName: string, steps: readonly StepDeclaration[], input: ValueShape): CheckedChain {
  if (steps.length === 0) throw new ValidationError(`feature "${featureName}" needs at least one step`);
  let shape = input;
  const out = steps.map((step, i) => {
    const where = `step ${i + 1} of "${featureName}"`;
    if (step === null || typeof step !== "object") throw new ValidationError(`${where} must be an object`);
    const kind = STEP_KINDS.get(step.kind);
    if (!kind) {
      throw new ValidationError(
        `${where}: unknown kind ${showValue(step.kind)} (one of ${STEP_KIND_NAMES.join(", ")})`,
      );
    }
    const given: Record<string, unknown> = {};
    for (const field of PARAMETER_FIELDS) {
      const value = step[field];
      if (value === undefined || value === null) continue;
      if (!kind.parameters.includes(field)) {
        const takes = kind.parameters.length === 0 ? "no parameters" : kind.parameters.join(", ");
        throw new ValidationError(`${where}: ${kind.kind} takes ${takes}, not ${field}`);
      }
      given[field] = value;
    }
    const checked = kind.check(given, shape, `${where} (${kind.kind})`);
    shape = checked.output;
    return { kind: kind.kind, given, checked };
  });
  return { featureName, input, steps: out };
}

/**
 * Fits the parameters a chain leaves out, each from the values the step will see: the live
 * current values of the feature, through the steps before it (nulls left out).
 */
async function fitChain(
  chain: CheckedChain,
  store: FeatureStore,
  options: FitOptions,
): Promise<StoredFeatureSteps> {
  const needsFit = chain.steps.some((s) => s.checked.toFit.length > 0);
  let sample: FitSample | null = null;
  let values: (FeatureData | null)[] = [];
  if (needsFit) {
    const scan = await store.currentValues(chain.featureName, options.fitLimit);
    values = scan.values;
    sample = { values: scan.values.length, complete: scan.complete };
  }
  let shape = chain.input;
  const steps: StoredStep[] = [];
  for (const [i, step] of chain.steps.entries()) {
    const kind = STEP_KINDS.get(step.kind);
    if (!kind) throw new Error(`step kind ${step.kind} vanished`);
    const where = `step ${i + 1} of "${chain.featureName}" (${kind.kind})`;
    let checked = kind.check(step.given, shape, where);
    const fitted = checked.toFit;
    if (fitted.length > 0) {
      const seen = values.filter((v): v is FeatureData => v !== null);
      if (seen.length === 0 || !kind.fit) {
        throw new ValidationError(
          `${where}: cannot fit ${fitted.join(" and ")}: the feature has no current values to fit them from; give them`,
          { featureName: chain.featureName },
        );
      }
      checked = kind.check(kind.fit(checked, seen, where), shape, where);
    }
    steps.push({ kind: kind.kind, params: checked.params, fitted, output: checked.output });
    if (needsFit) {
      const fn: StepFn = kind.compile(checked.params, shape);
      values = values.map(fn);
    }
    shape = checked.output;
  }
  return { featureName: chain.featureName, input: chain.input, steps, fittedOn: sample };
}

/** A derived declaration parsed, before its names are resolved. */
interface ParsedDerived {
  readonly name: string;
  readonly declaration: DerivedDeclaration;
  readonly tree: StoredDerived["tree"];
  readonly refs: readonly string[];
}

function parseDerived(d: DerivedDeclaration, index: number): ParsedDerived {
  if (d === null || typeof d !== "object") throw new ValidationError(`derived[${index}] must be an object`);
  const name = checkName(d.name, "derived feature");
  const tree = parseExpression(d.expression, `derived feature "${name}"`);
  return { name, declaration: d, tree, refs: refsOf(tree) };
}

/** Types each derived feature's expression over the features and the derived features before it. */
function checkDerived(
  parsed: readonly ParsedDerived[],
  defs: ReadonlyMap<string, NormalizedDefinition>,
): StoredDerived[] {
  const declared = new Map<string, ExprType>();
  const laterNames = new Set(parsed.map((d) => d.name));
  return parsed.map(({ name, declaration, tree, refs }) => {
    const where = `derived feature "${name}"`;
    laterNames.delete(name);
    const { featureType, valueType } = declaration;
    const allowed = DERIVED_TYPES[featureType];
    if (!allowed?.includes(valueType)) {
      throw new ValidationError(
        `${where}: featureType and valueType must be NUMERIC with INT or FLOAT, BOOLEAN with BOOL, CATEGORICAL with STRING, INT or BOOL, or TEXT with STRING, not ${showValue(featureType)} ${showValue(valueType)}`,
      );
    }
    const typeOf = (ref: string): ExprType => {
      if (ref === name || laterNames.has(ref)) {
        throw new ValidationError(`${where} reads "${ref}", which is not declared before it`);
      }
      const earlier = declared.get(ref);
      if (earlier) return earlier;
      const def = defs.get(ref);
      if (!def) throw new FeatureNotFoundError(ref);
      const type = exprTypeOf(def.valueType);
      if (!type) {
        throw new ValidationError(
          `${where} reads "${ref}", a ${def.valueType}: expressions read INT, FLOAT, BOOL and STRING features`,
        );
      }
      return type;
    };
    const computed = typeOfExpression(tree, typeOf, where);
    const inputTypes = refs.map(typeOf);
    const wanted = exprTypeOf(valueType) as ExprType;
    if (!(computed === wanted || (wanted === "FLOAT" && computed === "INT"))) {
      throw new ValidationError(`${where} is declared ${valueType} but its expression computes ${computed}`);
    }
    declared.set(name, wanted);
    return {
      name,
      expression: declaration.expression,
      tree,
      featureType,
      valueType,
      inputs: refs,
      inputTypes,
      description: checkText(declaration.description, where),
    };
  });
}

/** The expression type of a value type, or undefined for LIST and DICT. */
export function exprTypeOf(valueType: ValueType): ExprType | undefined {
  switch (valueType) {
    case ValueType.INT:
      return "INT";
    case ValueType.FLOAT:
      return "FLOAT";
    case ValueType.BOOL:
      return "BOOL";
    case ValueType.STRING:
      return "STRING";
    default:
      return undefined;
  }
}
