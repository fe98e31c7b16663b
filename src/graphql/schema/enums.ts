import { FEATURE_TYPES, VALUE_TYPES } from "../../core/enums.js";
import { builder } from "../builder.js";

/** What a feature means to a model. */
export const FeatureTypeEnum = builder.enumType("FeatureType", {
  description: "What a feature means to a model.",
  values: FEATURE_TYPES,
});

/** How a feature's values are checked and stored. */
export const ValueTypeEnum = builder.enumType("ValueType", {
  description:
    "How a feature's values are checked and stored: INT a safe integer, FLOAT a finite number, STRING, BOOL, LIST a JSON array, DICT a JSON object.",
  values: VALUE_TYPES,
});
