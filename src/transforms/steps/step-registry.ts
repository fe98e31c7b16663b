import { bucketize } from "./bucketize.js";
import { clip } from "./clip.js";
import { fillDefault } from "./fill-default.js";
import { hashBuckets } from "./hash-buckets.js";
import { l2Normalize } from "./l2-normalize.js";
import { labelEncode } from "./label-encode.js";
import { log1p } from "./log1p.js";
import { minMaxScale } from "./min-max-scale.js";
import { oneHot } from "./one-hot.js";
import { standardize } from "./standardize.js";
import type { StepKind } from "./step-kind.js";

/** Every built-in step kind, by the name clients declare it with. */
export const STEP_KINDS: ReadonlyMap<string, StepKind> = new Map(
  [
    standardize,
    minMaxScale,
    log1p,
    clip,
    bucketize,
    oneHot,
    labelEncode,
    fillDefault,
    l2Normalize,
    hashBuckets,
  ].map((kind) => [kind.kind, kind]),
);

/** The names of the built-in step kinds, in the order the documentation lists them. */
export const STEP_KIND_NAMES: readonly string[] = [...STEP_KINDS.keys()];
