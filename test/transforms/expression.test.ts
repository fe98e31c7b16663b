import { describe, expect, it } from "vitest";
import type { FeatureData } from "../../src/index.js";
import { errorCode } from "../../src/testing.js";
import { typeOfExpression } from "../../src/transforms/expression/check-expression.js";
import { compileExpression } from "../../src/transforms/expression/compile-expression.js";
import type { Expr, ExprType } from "../../src/transforms/expression/expression-tree.js";
import { parseExpression } from "../../src/transforms/expression/parse-expression.js";

/** The features the expressions below may read, with their types. */
const TYPES: Record<string, ExprType> = {
  clicks: "INT",
  sessions: "INT",
  price: "FLOAT",
  country: "STRING",
  premium: "BOOL",
  "a.b": "INT",
  "odd-name:x": "INT",
};

/** Parses, checks and compiles `text`, returning its type and a function of named values. */
function expression(text: string) {
  const tree = parseExpression(text, "test");
  const types = new Map<Expr, ExprType>();
  const type = typeOfExpression(
    tree,
    (name) => {
      const t = TYPES[name];
      if (!t) throw new Error(`unknown ${name}`);
      return t;
    },
    "test",
    types,
  );
  const names = Object.keys(TYPES);
  const evaluate = compileExpression(tree, (name) => names.indexOf(name), types);
  return {
    type,
    tree,
    at: (values: Record<string, FeatureData | null>) => evaluate(names.map((n) => values[n] ?? null)),
  };
}

const refused = (text: string) => errorCode(Promise.resolve().then(() => expression(text)));

describe("expressions: values", () => {
  it("computes the ratio of the specification's example, typed FLOAT", () => {
    const ctr = expression("clicks / max(sessions, 1)");
    expect(ctr.type).toBe("FLOAT");
    expect(ctr.at({ clicks: 12, sessions: 0 })).toBe(12);
    expect(ctr.at({ clicks: 12, sessions: 4 })).toBe(3);
  });

  it("keeps integer arithmetic INT and everything with a FLOAT or a division FLOAT", () => {
    expect(expression("clicks * 2 + sessions - 1").type).toBe("INT");
    expect(expression("clicks % 7").type).toBe("INT");
    expect(expression("clicks + price").type).toBe("FLOAT");
    expect(expression("clicks / 2").type).toBe("FLOAT");
    expect(expression("round(price)").type).toBe("INT");
    expect(expression("abs(clicks)").type).toBe("INT");
    expect(expression("abs(price)").type).toBe("FLOAT");
    expect(expression("clicks * 2 + sessions - 1").at({ clicks: 5, sessions: 3 })).toBe(12);
  });

  it("propagates a missing value, except through ??, coalesce and isNull", () => {
    expect(expression("clicks + 1").at({ clicks: null })).toBeNull();
    expect(expression("coalesce(clicks, 0) + 1").at({ clicks: null })).toBe(1);
    expect(expression("clicks ?? 5").at({ clicks: null })).toBe(5);
    expect(expression("isNull(clicks)").at({ clicks: null })).toBe(true);
    expect(expression("isNull(clicks)").at({ clicks: 0 })).toBe(false);
    expect(expression("premium ? 1 : 0").at({ premium: null })).toBeNull();
  });

  it("lets && and || decide without a missing operand when they can", () => {
    expect(expression("premium && clicks > 3").at({ premium: false, clicks: null })).toBe(false);
    expect(expression("premium || clicks > 3").at({ premium: true, clicks: null })).toBe(true);
    expect(expression("premium && clicks > 3").at({ premium: true, clicks: null })).toBeNull();
    expect(expression("premium || clicks > 3").at({ premium: false, clicks: 4 })).toBe(true);
  });

  it("answers null for undefined numbers: division by zero, log(0), overflow, an INT past 2^53", () => {
    expect(expression("clicks / sessions").at({ clicks: 1, sessions: 0 })).toBeNull();
    expect(expression("clicks % sessions").at({ clicks: 1, sessions: 0 })).toBeNull();
    expect(expression("log(price)").at({ price: 0 })).toBeNull();
    expect(expression("sqrt(price)").at({ price: -1 })).toBeNull();
    expect(expression("exp(price)").at({ price: 1000 })).toBeNull();
    expect(expression("price ** 400").at({ price: 10 })).toBeNull();
    expect(expression("clicks * clicks").at({ clicks: 2 ** 30 })).toBe(
      2 ** 60 > Number.MAX_SAFE_INTEGER ? null : 2 ** 60,
    );
  });

  it("compares, branches, and works on strings", () => {
    expect(expression('country == "FR" ? price * 2 : price').at({ country: "FR", price: 1.5 })).toBe(3);
    expect(expression('country === "FR"').at({ country: "DE" })).toBe(false);
    expect(expression('upper(country) + "-" + lower("X")').at({ country: "fr" })).toBe("FR-x");
    expect(expression("len(country) >= 2 && !premium").at({ country: "FR", premium: false })).toBe(true);
    expect(expression("clip(clicks, 0, 10)").at({ clicks: 42 })).toBe(10);
    expect(expression("-clicks").at({ clicks: 3 })).toBe(-3);
  });

  it("reads names with dots directly and any other name through feature()", () => {
    expect(expression("a.b + 1").at({ "a.b": 1 })).toBe(2);
    expect(expression('feature("odd-name:x") * 2').at({ "odd-name:x": 4 })).toBe(8);
  });

  it("reads a value of another type than the feature's as missing", () => {
    expect(expression("clicks + 1").at({ clicks: "3" })).toBeNull();
  });
});

describe("expressions: refusals (VALIDATION_FAILED)", () => {
  it.each([
    ["a syntax error", "clicks +"],
    ["an empty text", "   "],
    ["two expressions", "clicks; sessions"],
    ["computed member access", "country[0]"],
    ["a method call", "Math.max(clicks, 1)"],
    ["a call of a member", "country.toString()"],
    ["an unknown function", 'eval("1")'],
    ["a constructor call", 'constructor("return process")()'],
    ["this", "this"],
    ["a list", "[1, 2]"],
    ["assignment", "clicks = 1"],
    ["a bitwise operator", "clicks | 1"],
    ["a null literal", "coalesce(clicks, null)"],
    ["a number that is not finite", "clicks * 1e999"],
    ["feature() of a non-string", "feature(clicks)"],
    ["the wrong arity", "max()"],
    ["arithmetic on a string", "country * 2"],
    ["comparing a number with a string", 'clicks > "3"'],
    ["&& on numbers", "clicks && sessions"],
    ["branches of two types", 'premium ? 1 : "one"'],
    ["a non-BOOL condition", "clicks ? 1 : 2"],
    ["! on a number", "!clicks"],
  ])("refuses %s", async (_what, text) => {
    expect(await refused(text)).toBe("VALIDATION_FAILED");
  });

  it("refuses texts too long, too deep or too large, without overflowing the stack", async () => {
    expect(await refused(`clicks${" + 1".repeat(300)}`)).toBe("VALIDATION_FAILED");
    expect(await refused(`${"abs(".repeat(40)}clicks${")".repeat(40)}`)).toBe("VALIDATION_FAILED");
    expect(await refused(`${"(".repeat(999)}`)).toBe("VALIDATION_FAILED");
    // Parentheses add no nodes: deep ones are harmless, and parsed without exhausting the stack.
    expect(expression(`${"(".repeat(490)}clicks${")".repeat(490)}`).at({ clicks: 7 })).toBe(7);
    expect(await refused(`${"-".repeat(40)}clicks`)).toBe("VALIDATION_FAILED");
    expect(await refused(`clicks${" + 1".repeat(150)}`)).toBe("VALIDATION_FAILED");
    expect(expression(`clicks${" + 1".repeat(20)}`).at({ clicks: 0 })).toBe(20);
  });
});
