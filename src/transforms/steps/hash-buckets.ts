import murmurhash from "murmurhash";
import { ValidationError } from "../../core/errors.js";
import { describeShape, INDEX_SHAPE, isScalarCategory } from "../value-shape.js";
import type { StepKind } from "./step-kind.js";
import { intParam } from "./step-parameters.js";

/** The most buckets a HASH step takes. */
const MAX_BUCKETS = 2 ** 31;
/** Answers one HASH step remembers: categorical values repeat, and hashing costs far more than a lookup. */
const MEMO_SIZE = 10_000;

const utf8 = new TextEncoder();

/**
 * Feature hashing: a CATEGORICAL INT from 0 to buckets - 1, MurmurHash3 (x86, 32 bits, seed 0)
 * of the UTF-8 text of the value (a number as JavaScript writes it, a boolean as `true` or
 * `false`) modulo the number of buckets. The same function as scikit-learn's
 * `murmurhash3_32(text, positive=True) % buckets`, so a pipeline in Python can agree with it.
 */
export const hashBuckets: StepKind = {
  kind: "HASH",
  parameters: ["buckets"],
  check(given, input, where) {
    if (!isScalarCategory(input)) {
      throw new ValidationError(`${where} takes one STRING, INT or BOOL value, not ${describeShape(input)}`);
    }
    const buckets = intParam(given.buckets, "buckets", where, 1, MAX_BUCKETS);
    return { params: { buckets }, toFit: [], output: INDEX_SHAPE };
  },
  compile(params) {
    const buckets = params.buckets as number;
    const memo = new Map<unknown, number>();
    return (value) => {
      if (value === null || typeof value === "object") return null;
      let bucket = memo.get(value);
      if (bucket === undefined) {
        bucket = murmurhash.v3(utf8.encode(String(value))) % buckets;
        if (memo.size >= MEMO_SIZE) memo.clear();
        memo.set(value, bucket);
      }
      return bucket;
    };
  },
};
