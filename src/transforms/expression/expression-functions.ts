import type { FeatureData } from "../../core/models.js";
import { type ExprType, isNumber } from "./expression-tree.js";

/** A function value: a checked argument list in, a value (or `null`, no answer) out. */
type Impl = (args: readonly (FeatureData | null)[]) => FeatureData | null;

/** A function an expression may call: its arity, its result type from its arguments', and its body. */
export interface ExprFunction {
  readonly minArgs: number;
  readonly maxArgs: number;
  /** The result type, or a message saying which argument types it needs. */
  type(args: readonly ExprType[]): ExprType | string;
  /**
   * Whether the body handles `null` arguments itself; otherwise any `null` argument makes the
   * result `null` without calling it.
   */
  readonly takesNull: boolean;
  readonly impl: Impl;
}

/** INT when every argument is an INT, FLOAT when they are numbers, else a complaint. */
function numbers(args: readonly ExprType[]): ExprType | string {
  if (!args.every(isNumber)) return "numbers";
  return args.every((t) => t === "INT") ? "INT" : "FLOAT";
}

/** The one type of all arguments (INT and FLOAT unite as FLOAT), else a complaint. */
function same(args: readonly ExprType[]): ExprType | string {
  if (args.every(isNumber)) return numbers(args);
  return args.every((t) => t === args[0]) ? (args[0] as ExprType) : "arguments of one type";
}

/** A function of one number; its result has `type`, or the argument's type when none is given. */
const numeric = (fn: (x: number) => number, type?: ExprType): ExprFunction => ({
  minArgs: 1,
  maxArgs: 1,
  type: (args) => (args.every(isNumber) ? (type ?? (args[0] as ExprType)) : "a number"),
  takesNull: false,
  impl: ([x]) => fn(x as number),
});

const string = (type: ExprType, fn: (s: string) => FeatureData): ExprFunction => ({
  minArgs: 1,
  maxArgs: 1,
  type: (args) => (args[0] === "STRING" ? type : "a STRING"),
  takesNull: false,
  impl: ([s]) => fn(s as string),
});

/**
 * The functions expressions may call, and no others. Each is a pure function of its arguments
 * with a bounded cost: no loops over anything but its own (at most 16) arguments and one string.
 */
export const EXPRESSION_FUNCTIONS: ReadonlyMap<string, ExprFunction> = new Map<string, ExprFunction>([
  ["abs", numeric(Math.abs)],
  ["floor", numeric(Math.floor, "INT")],
  ["ceil", numeric(Math.ceil, "INT")],
  ["round", numeric(Math.round, "INT")],
  ["sqrt", numeric(Math.sqrt, "FLOAT")],
  ["exp", numeric(Math.exp, "FLOAT")],
  ["log", numeric(Math.log, "FLOAT")],
  ["log1p", numeric(Math.log1p, "FLOAT")],
  [
    "min",
    { minArgs: 1, maxArgs: 16, type: numbers, takesNull: false, impl: (xs) => Math.min(...(xs as number[])) },
  ],
  [
    "max",
    { minArgs: 1, maxArgs: 16, type: numbers, takesNull: false, impl: (xs) => Math.max(...(xs as number[])) },
  ],
  [
    "clip",
    {
      minArgs: 3,
      maxArgs: 3,
      type: numbers,
      takesNull: false,
      impl: ([x, lo, hi]) => Math.min(Math.max(x as number, lo as number), hi as number),
    },
  ],
  [
    "coalesce",
    {
      minArgs: 2,
      maxArgs: 16,
      type: same,
      takesNull: true,
      impl: (xs) => xs.find((x) => x !== null) ?? null,
    },
  ],
  ["isNull", { minArgs: 1, maxArgs: 1, type: () => "BOOL", takesNull: true, impl: ([x]) => x === null }],
  ["len", string("INT", (s) => s.length)],
  ["lower", string("STRING", (s) => s.toLowerCase())],
  ["upper", string("STRING", (s) => s.toUpperCase())],
]);

/**
 * The pseudo-function that names a feature whose name is not an identifier (it holds `-` or
 * `:`): `feature("clicks-7d")`.
 */
export const FEATURE_FUNCTION = "feature";
