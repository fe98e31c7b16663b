import jsep from "jsep";
import { ValidationError } from "../../core/errors.js";
import { showValue } from "../../core/show-value.js";
import { EXPRESSION_FUNCTIONS, FEATURE_FUNCTION } from "./expression-functions.js";
import { BINARY_OPS, type BinaryOp, type Expr, UNARY_OPS, type UnaryOp } from "./expression-tree.js";

/** The longest expression text accepted, in characters. */
export const MAX_EXPRESSION_LENGTH = 1000;
/** The most nodes (operators, calls, names, literals) of one expression. */
export const MAX_EXPRESSION_NODES = 200;
/** The deepest nesting of one expression. */
export const MAX_EXPRESSION_DEPTH = 32;

const SYNONYMS: Readonly<Record<string, BinaryOp>> = { "===": "==", "!==": "!=" };

/**
 * Parses a derived feature's expression, such as `clicks_7d / max(sessions_7d, 1)`, into the
 * stored tree. The syntax is JavaScript's expression syntax (read by jsep, a parser only: it
 * never evaluates) restricted to: number, string and boolean literals; feature names (a name
 * with `-` or `:` as `feature("name")`); the operators `+ - * / % **`, comparisons, `&& || ??`,
 * `!`, unary minus and `? :`; and calls of the functions in `EXPRESSION_FUNCTIONS`. No member
 * access, no `this`, no assignment, no lists: nothing that could reach outside the vector.
 * @throws ValidationError for text that does not parse, uses anything else, or is too large
 * ({@link MAX_EXPRESSION_LENGTH}, {@link MAX_EXPRESSION_NODES}, {@link MAX_EXPRESSION_DEPTH}).
 */
export function parseExpression(text: unknown, where: string): Expr {
  if (typeof text !== "string" || text.trim() === "") {
    throw new ValidationError(`${where}: the expression must be a non-empty string`);
  }
  if (text.length > MAX_EXPRESSION_LENGTH) {
    throw new ValidationError(`${where}: the expression is longer than ${MAX_EXPRESSION_LENGTH} characters`);
  }
  let ast: jsep.Expression;
  try {
    ast = jsep(text);
  } catch (err) {
    // jsep reports a syntax error with its position; nesting too deep for its stack is a RangeError.
    const reason = err instanceof RangeError ? "it is nested too deeply" : (err as Error).message;
    throw new ValidationError(`${where}: the expression does not parse: ${reason}`);
  }
  let nodes = 0;
  const convert = (node: jsep.Expression, depth: number): Expr => {
    if (++nodes > MAX_EXPRESSION_NODES) {
      throw new ValidationError(`${where}: the expression has more than ${MAX_EXPRESSION_NODES} parts`);
    }
    if (depth > MAX_EXPRESSION_DEPTH) {
      throw new ValidationError(
        `${where}: the expression is nested more than ${MAX_EXPRESSION_DEPTH} levels deep`,
      );
    }
    const refuse = (what: string): never => {
      throw new ValidationError(`${where}: ${what} is not allowed in an expression`);
    };
    switch (node.type) {
      case "Literal": {
        const value = (node as jsep.Literal).value;
        if (typeof value === "number" && !Number.isFinite(value))
          refuse(`the number ${(node as jsep.Literal).raw}`);
        if (typeof value === "number" || typeof value === "string" || typeof value === "boolean") {
          return { kind: "literal", value };
        }
        return refuse(value === null ? "null (use isNull(x) or coalesce(x, y))" : "that literal");
      }
      case "Identifier":
        return { kind: "ref", name: (node as jsep.Identifier).name };
      case "MemberExpression":
        // `a.b` names the feature "a.b"; anything computed (`a[0]`) is refused.
        return { kind: "ref", name: dottedName(node as jsep.MemberExpression) ?? refuse("member access") };
      case "UnaryExpression": {
        const { operator, argument } = node as jsep.UnaryExpression;
        if (!(UNARY_OPS as readonly string[]).includes(operator)) refuse(`the operator ${operator}`);
        return { kind: "unary", op: operator as UnaryOp, arg: convert(argument, depth + 1) };
      }
      case "BinaryExpression": {
        const { operator, left, right } = node as jsep.BinaryExpression;
        const op = SYNONYMS[operator] ?? operator;
        if (!(BINARY_OPS as readonly string[]).includes(op)) refuse(`the operator ${operator}`);
        return {
          kind: "binary",
          op: op as BinaryOp,
          left: convert(left, depth + 1),
          right: convert(right, depth + 1),
        };
      }
      case "ConditionalExpression": {
        const { test, consequent, alternate } = node as jsep.ConditionalExpression;
        return {
          kind: "if",
          test: convert(test, depth + 1),
          consequent: convert(consequent, depth + 1),
          alternate: convert(alternate, depth + 1),
        };
      }
      case "CallExpression": {
        const { callee, arguments: args } = node as jsep.CallExpression;
        const name = callee.type === "Identifier" ? (callee as jsep.Identifier).name : undefined;
        if (name === FEATURE_FUNCTION) {
          const [only] = args;
          if (
            args.length !== 1 ||
            only?.type !== "Literal" ||
            typeof (only as jsep.Literal).value !== "string"
          ) {
            refuse(`${FEATURE_FUNCTION}(...) with anything but one string`);
          }
          return { kind: "ref", name: (only as jsep.Literal).value as string };
        }
        const fn = name === undefined ? undefined : EXPRESSION_FUNCTIONS.get(name);
        if (name === undefined || fn === undefined) {
          return refuse(
            `calling ${name === undefined ? "that" : showValue(name)} (functions: ${[...EXPRESSION_FUNCTIONS.keys()].join(", ")})`,
          );
        }
        if (args.length < fn.minArgs || args.length > fn.maxArgs) {
          const arity = fn.minArgs === fn.maxArgs ? `${fn.minArgs}` : `${fn.minArgs} to ${fn.maxArgs}`;
          throw new ValidationError(`${where}: ${name}() takes ${arity} arguments, not ${args.length}`);
        }
        return { kind: "call", fn: name, args: args.map((arg) => convert(arg, depth + 1)) };
      }
      case "Compound":
        return refuse("more than one expression");
      default:
        return refuse(
          node.type === "ThisExpression"
            ? "this"
            : node.type === "ArrayExpression"
              ? "a list"
              : "that syntax",
        );
    }
  };
  return convert(ast, 1);
}

/** `a.b.c` as the name "a.b.c", or undefined when any part is computed or not a name. */
function dottedName(node: jsep.MemberExpression): string | undefined {
  if (node.computed || node.property.type !== "Identifier") return undefined;
  const property = (node.property as jsep.Identifier).name;
  if (node.object.type === "Identifier") return `${(node.object as jsep.Identifier).name}.${property}`;
  if (node.object.type !== "MemberExpression") return undefined;
  const head = dottedName(node.object as jsep.MemberExpression);
  return head === undefined ? undefined : `${head}.${property}`;
}
