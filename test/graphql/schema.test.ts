import { readFile } from "node:fs/promises";
import { buildSchema, isEnumType, isInputObjectType, isObjectType, isScalarType } from "graphql";
import { describe, expect, it } from "vitest";
import { FEATURE_TYPES, VALUE_TYPES } from "../../src/core/enums.js";
import { printSortedSchema, schema } from "../../src/graphql/schema/index.js";

const checkedIn = await readFile(new URL("../../schema.graphql", import.meta.url), "utf8");

function fieldsOf(typeName: string): string[] {
  const type = schema.getType(typeName);
  if (!isObjectType(type) && !isInputObjectType(type)) throw new Error(`${typeName} is not an object type`);
  return Object.keys(type.getFields()).sort();
}

describe("schema.graphql", () => {
  it("is the sorted print of the Pothos schema (run `npm run print-schema` after a change)", () => {
    expect(printSortedSchema()).toBe(checkedIn);
  });

  it("parses back into a valid schema", () => {
    expect(() => buildSchema(checkedIn)).not.toThrow();
  });
});

describe("the schema contract", () => {
  it("has the FeatureType and ValueType enums with the library's values", () => {
    const featureType = schema.getType("FeatureType");
    const valueType = schema.getType("ValueType");
    expect(isEnumType(featureType) && featureType.getValues().map((v) => v.name)).toEqual(
      expect.arrayContaining([...FEATURE_TYPES]),
    );
    expect(isEnumType(valueType) && valueType.getValues().map((v) => v.name)).toEqual(
      expect.arrayContaining([...VALUE_TYPES]),
    );
    expect(isEnumType(featureType) && featureType.getValues()).toHaveLength(FEATURE_TYPES.length);
    expect(isEnumType(valueType) && valueType.getValues()).toHaveLength(VALUE_TYPES.length);
  });

  it("has the JSON and DateTime scalars", () => {
    expect(isScalarType(schema.getType("JSON"))).toBe(true);
    expect(isScalarType(schema.getType("DateTime"))).toBe(true);
  });

  it("names the contract's types and fields", () => {
    expect(fieldsOf("FeatureDefinition")).toEqual(
      expect.arrayContaining([
        "name",
        "featureType",
        "valueType",
        "defaultValue",
        "tags",
        "ttlSeconds",
        "description",
        "dimension",
      ]),
    );
    expect(fieldsOf("FeatureValue")).toEqual(
      expect.arrayContaining(["featureName", "entityId", "value", "version", "timestamp", "ageSeconds"]),
    );
    expect(fieldsOf("FeatureVector")).toEqual(expect.arrayContaining(["entityId", "values", "features"]));
    expect(fieldsOf("FeatureGroup")).toEqual(
      expect.arrayContaining(["name", "description", "features", "vector", "tags"]),
    );
    expect(fieldsOf("IngestResult")).toEqual(["entityId", "values"]);
    expect(fieldsOf("IngestBatchResult")).toEqual(["processed", "skipped"]);
    // The input mirrors the output type's field names, but for what the store computes or assigns.
    const assigned = ["coverage", "validFrom", "version", "versions"];
    expect(fieldsOf("FeatureDefinitionInput")).toEqual(
      fieldsOf("FeatureDefinition").filter((field) => !assigned.includes(field)),
    );
    // An update names the feature and can change only the mutable fields.
    expect(fieldsOf("FeatureUpdateInput")).toEqual([
      "defaultValue",
      "description",
      "name",
      "tags",
      "ttlSeconds",
    ]);
    expect(fieldsOf("FeatureGroupInput")).toEqual(["description", "features", "name", "tags"]);
  });

  it("has the contract's root fields", () => {
    expect(fieldsOf("Query")).toEqual(
      expect.arrayContaining([
        "features",
        "feature",
        "value",
        "history",
        "vector",
        "vectors",
        "groups",
        "group",
        "groupVector",
        "transforms",
        "transform",
      ]),
    );
    expect(fieldsOf("Mutation")).toEqual(
      expect.arrayContaining([
        "registerFeature",
        "registerGroup",
        "ingest",
        "ingestBatch",
        "deleteValue",
        "registerTransform",
      ]),
    );
    expect(checkedIn).toContain("applyTransform: Boolean = false");
    // A group's vector takes the entity and the transform arguments of every vector field.
    const groupStart = checkedIn.indexOf("type FeatureGroup {");
    const groupType = checkedIn.slice(groupStart, checkedIn.indexOf("\n}\n", groupStart));
    for (const part of [
      "vector(",
      "entityId: ID!",
      "applyTransform: Boolean = false",
      "transform: String",
      "): FeatureVector!",
    ]) {
      expect(groupType).toContain(part);
    }
  });
});
