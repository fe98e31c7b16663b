import { ValidationError } from "../../core/errors.js";
import { EXPRESSION_FUNCTIONS } from "./expression-functions.js";
import { type BinaryOp, type Expr, type ExprType, isNumber } from "./expression-tree.js";

/**
 * The type of an expression's value, given the type of each name it reads; checks every
 * operator and call on the way (see the rules beside each case).
 * @param typeOf the type of a name; it throws for a name the expression may not read.
 * @param types when given, receives the type of every node (what compiling needs).
 * @throws ValidationError naming the part whose operand types do not fit.
 */
export function typeOfExpression(
  expr: Expr,
  typeOf: (name: string) => ExprType,
  where: string,
  types?: Map<Expr, ExprType>,
): ExprType {
  const wrong = (what: string): never => {
    throw new ValidationError(`${where}: ${what}`);
  };
  const visit = (node: Expr): ExprType => {
    const type = typeOfNode(node);
    types?.set(node, type);
    return type;
  };
  const typeOfNode = (node: Expr): ExprType => {
    switch (node.kind) {
      case "literal":
        return typeof node.value === "number"
          ? Number.isSafeInteger(node.value)
            ? "INT"
            : "FLOAT"
          : typeof node.value === "string"
            ? "STRING"
            : "BOOL";
      case "ref":
        return typeOf(node.name);
      case "unary": {
        const arg = visit(node.arg);
        if (node.op === "!") return arg === "BOOL" ? "BOOL" : wrong(`! needs a BOOL, not ${arg}`);
        return isNumber(arg) ? arg : wrong(`unary ${node.op} needs a number, not ${arg}`);
      }
      case "binary":
        return typeOfBinary(node.op, visit(node.left), visit(node.right), wrong);
      case "if": {
        const test = visit(node.test);
        if (test !== "BOOL") wrong(`the condition of ? : must be a BOOL, not ${test}`);
        const a = visit(node.consequent);
        const b = visit(node.alternate);
        return unite(a, b) ?? wrong(`the two branches of ? : must have one type, not ${a} and ${b}`);
      }
      case "call": {
        const fn = EXPRESSION_FUNCTIONS.get(node.fn);
        if (!fn) return wrong(`unknown function ${node.fn}`);
        const args = node.args.map(visit);
        const type = fn.type(args);
        return type === "INT" || type === "FLOAT" || type === "BOOL" || type === "STRING"
          ? type
          : wrong(`${node.fn}(${args.join(", ")}): it takes ${type}`);
      }
    }
  };
  return visit(expr);
}

/** The type of `left op right`, by the rule beside each operator. */
function typeOfBinary(
  op: BinaryOp,
  left: ExprType,
  right: ExprType,
  wrong: (what: string) => never,
): ExprType {
  const both = `${left} ${op} ${right}`;
  switch (op) {
    case "+":
      // Numbers add; strings concatenate.
      if (left === "STRING" && right === "STRING") return "STRING";
      return arithmetic(left, right) ?? wrong(`${both}: + needs two numbers or two STRINGs`);
    case "-":
    case "*":
    case "%":
      return arithmetic(left, right) ?? wrong(`${both}: ${op} needs two numbers`);
    case "/":
    case "**":
      return arithmetic(left, right) ? "FLOAT" : wrong(`${both}: ${op} needs two numbers`);
    case "<":
    case "<=":
    case ">":
    case ">=":
      return (isNumber(left) && isNumber(right)) || (left === "STRING" && right === "STRING")
        ? "BOOL"
        : wrong(`${both}: ${op} compares two numbers or two STRINGs`);
    case "==":
    case "!=":
      return unite(left, right) ? "BOOL" : wrong(`${both}: ${op} compares values of one type`);
    case "&&":
    case "||":
      return left === "BOOL" && right === "BOOL" ? "BOOL" : wrong(`${both}: ${op} needs two BOOLs`);
    case "??":
      return unite(left, right) ?? wrong(`${both}: ?? needs values of one type`);
  }
}

/** INT for two INTs, FLOAT for two numbers otherwise, undefined for anything else. */
function arithmetic(a: ExprType, b: ExprType): ExprType | undefined {
  if (!isNumber(a) || !isNumber(b)) return undefined;
  return a === "INT" && b === "INT" ? "INT" : "FLOAT";
}

/** The one type of two values (INT and FLOAT unite as FLOAT), or undefined. */
function unite(a: ExprType, b: ExprType): ExprType | undefined {
  return arithmetic(a, b) ?? (a === b ? a : undefined);
}
