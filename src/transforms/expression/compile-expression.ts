import type { FeatureData } from "../../core/models.js";
import { EXPRESSION_FUNCTIONS } from "./expression-functions.js";
import type { Expr, ExprType } from "./expression-tree.js";

/** Values an expression reads, by slot: what {@link compileExpression}'s `slotOf` numbers. */
export type Slots = readonly (FeatureData | null)[];

/** A compiled expression: its value over the slots, or `null` when it has none. */
export type Evaluator = (slots: Slots) => FeatureData | null;

/**
 * Turns a checked expression into a function, once per stored transform version: a tree of
 * closures, each calling its children. Evaluation visits each node at most once (no loops, no
 * recursion beyond the tree's bounded depth) and reads nothing but the slots it is given.
 *
 * Values: `null` (a missing value) makes every operator and function `null` except `??`,
 * `coalesce` and `isNull`; `false && x` is false and `true || x` true whatever `x`. A number
 * that is not finite (x / 0, log(0), overflow) is `null`, and so is an INT result that is not a
 * safe integer.
 * @param types the checked type of each node (see `typeOfExpression`): decides the INT and FLOAT checks.
 */
export function compileExpression(
  expr: Expr,
  slotOf: (name: string) => number,
  types: ReadonlyMap<Expr, ExprType>,
): Evaluator {
  const compile = (node: Expr): Evaluator => {
    const type = types.get(node);
    if (type === undefined) throw new Error("compiling an expression that was not checked");
    const evaluate = compileNode(node, compile, slotOf, type);
    if (node.kind === "literal" || node.kind === "ref") return evaluate;
    if (type === "INT") return (s) => intOrNull(evaluate(s));
    if (type === "FLOAT") return (s) => finiteOrNull(evaluate(s));
    return evaluate;
  };
  return compile(expr);
}

function compileNode(
  node: Expr,
  compile: (node: Expr) => Evaluator,
  slotOf: (name: string) => number,
  type: ExprType,
): Evaluator {
  switch (node.kind) {
    case "literal": {
      const value = node.value;
      return () => value;
    }
    case "ref": {
      const slot = slotOf(node.name);
      // A value of another type than the feature's (which a stored value never is) reads as missing.
      const want = type === "BOOL" ? "boolean" : type === "STRING" ? "string" : "number";
      return (s) => {
        const value = s[slot] ?? null;
        return typeof value === want ? value : null;
      };
    }
    case "unary": {
      const arg = compile(node.arg);
      if (node.op === "!") return (s) => nullOr(arg(s), (v) => !v);
      if (node.op === "-") return (s) => nullOr(arg(s), (v) => -(v as number));
      return arg;
    }
    case "binary":
      return compileBinary(node.op, compile(node.left), compile(node.right));
    case "if": {
      const test = compile(node.test);
      const consequent = compile(node.consequent);
      const alternate = compile(node.alternate);
      return (s) => {
        const t = test(s);
        return t === null ? null : t ? consequent(s) : alternate(s);
      };
    }
    case "call": {
      const fn = EXPRESSION_FUNCTIONS.get(node.fn);
      if (!fn) throw new Error(`unknown function ${node.fn} in a checked expression`);
      const args = node.args.map(compile);
      return (s) => {
        const values = args.map((arg) => arg(s));
        if (!fn.takesNull && values.includes(null)) return null;
        return fn.impl(values);
      };
    }
  }
}

function compileBinary(op: string, left: Evaluator, right: Evaluator): Evaluator {
  switch (op) {
    case "&&":
      return (s) => {
        const a = left(s);
        if (a === false) return false;
        const b = right(s);
        return b === false ? false : a === null || b === null ? null : true;
      };
    case "||":
      return (s) => {
        const a = left(s);
        if (a === true) return true;
        const b = right(s);
        return b === true ? true : a === null || b === null ? null : false;
      };
    case "??":
      return (s) => left(s) ?? right(s);
  }
  const apply = BINARY[op];
  if (!apply) throw new Error(`unknown operator ${op} in a checked expression`);
  return (s) => {
    const a = left(s);
    if (a === null) return null;
    const b = right(s);
    return b === null ? null : apply(a, b);
  };
}

/** The strict operators on two present values (their types already checked). */
const BINARY: Readonly<Record<string, (a: FeatureData, b: FeatureData) => FeatureData>> = {
  "+": (a, b) => (a as number) + (b as number),
  "-": (a, b) => (a as number) - (b as number),
  "*": (a, b) => (a as number) * (b as number),
  "/": (a, b) => (a as number) / (b as number),
  "%": (a, b) => (a as number) % (b as number),
  "**": (a, b) => (a as number) ** (b as number),
  "<": (a, b) => a < b,
  "<=": (a, b) => a <= b,
  ">": (a, b) => a > b,
  ">=": (a, b) => a >= b,
  "==": (a, b) => a === b,
  "!=": (a, b) => a !== b,
};

function nullOr(value: FeatureData | null, fn: (v: FeatureData) => FeatureData): FeatureData | null {
  return value === null ? null : fn(value);
}

function intOrNull(value: FeatureData | null): FeatureData | null {
  return Number.isSafeInteger(value) ? value : null;
}

function finiteOrNull(value: FeatureData | null): FeatureData | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}
