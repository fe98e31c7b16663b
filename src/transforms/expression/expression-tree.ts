/**
 * A derived feature's expression as stored: a small tree of JSON objects, the same whatever
 * syntax it was written in, so a stored transform never depends on how a parser version reads
 * its text. Evaluated by `compileExpression` only; nothing in it can name anything outside the
 * vector it is evaluated on.
 */
export type Expr =
  | { readonly kind: "literal"; readonly value: number | string | boolean }
  | { readonly kind: "ref"; readonly name: string }
  | { readonly kind: "unary"; readonly op: UnaryOp; readonly arg: Expr }
  | { readonly kind: "binary"; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }
  | { readonly kind: "if"; readonly test: Expr; readonly consequent: Expr; readonly alternate: Expr }
  | { readonly kind: "call"; readonly fn: string; readonly args: readonly Expr[] };

/** The unary operators an expression may use. */
export const UNARY_OPS = ["-", "+", "!"] as const;
/** One of {@link UNARY_OPS}. */
export type UnaryOp = (typeof UNARY_OPS)[number];

/** The binary operators an expression may use (`===` and `!==` are read as `==` and `!=`). */
export const BINARY_OPS = [
  "+",
  "-",
  "*",
  "/",
  "%",
  "**",
  "<",
  "<=",
  ">",
  ">=",
  "==",
  "!=",
  "&&",
  "||",
  "??",
] as const;
/** One of {@link BINARY_OPS}. */
export type BinaryOp = (typeof BINARY_OPS)[number];

/** The type of an expression's value (a value may also be `null`: missing, or undefined such as x / 0). */
export type ExprType = "INT" | "FLOAT" | "BOOL" | "STRING";

/** Whether values of the type are numbers. */
export function isNumber(type: ExprType): boolean {
  return type === "INT" || type === "FLOAT";
}

/** Every name an expression reads, each once, in the order they first appear. */
export function refsOf(expr: Expr, into: string[] = []): string[] {
  switch (expr.kind) {
    case "literal":
      break;
    case "ref":
      if (!into.includes(expr.name)) into.push(expr.name);
      break;
    case "unary":
      refsOf(expr.arg, into);
      break;
    case "binary":
      refsOf(expr.left, into);
      refsOf(expr.right, into);
      break;
    case "if":
      refsOf(expr.test, into);
      refsOf(expr.consequent, into);
      refsOf(expr.alternate, into);
      break;
    case "call":
      for (const arg of expr.args) refsOf(arg, into);
      break;
  }
  return into;
}
