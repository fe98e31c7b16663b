import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeValue, encodeValue } from "../../src/core/codec.js";
import type { FeatureData } from "../../src/index.js";

const json = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: "small" },
    fc.string({ unit: "binary" }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    tie("list"),
    tie("dict"),
  ),
  list: fc.array(tie("node"), { maxLength: 5 }),
  dict: fc.dictionary(fc.string({ unit: "binary", maxLength: 6 }), tie("node"), {
    maxKeys: 5,
    noNullPrototype: true,
  }),
}));

describe("codec", () => {
  it("round-trips any JSON-shaped value exactly, negative zero included (property)", () => {
    fc.assert(
      fc.property(json.node, (value) => {
        expect(decodeValue(encodeValue(value as FeatureData))).toStrictEqual(value);
      }),
      { numRuns: 2000 },
    );
  });

  it("reads scalars without the JSON parser, exactly as JSON would", () => {
    const scalars: FeatureData[] = [
      0,
      -0,
      1.5,
      -1e-300,
      5e-324,
      1e21,
      Number.MAX_SAFE_INTEGER,
      "",
      "plain",
      "é 🎉",
      'a"b',
      "\\",
      "\u0000",
      "lone \ud800",
      true,
      false,
    ];
    for (const value of scalars) {
      const text = encodeValue(value);
      expect(Object.is(decodeValue(text), value), text).toBe(true);
    }
    expect(encodeValue(-0)).toBe("-0");
  });
});
