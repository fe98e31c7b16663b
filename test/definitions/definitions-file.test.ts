import { describe, expect, it } from "vitest";
import { FEATURE_TYPES, VALUE_TYPES } from "../../src/core/enums.js";
import { definitionsSchema } from "../../src/definitions/definitions-schema.js";
import { applyDefinitions, DefinitionsFileError, FeatureService, parseDefinitions } from "../../src/index.js";
import { STEP_KIND_NAMES } from "../../src/transforms/steps/step-registry.js";

/** The problems a file has, as `line:column path message`. */
function problems(text: string): string[] {
  try {
    parseDefinitions(text, "f.yaml");
  } catch (err) {
    if (!(err instanceof DefinitionsFileError)) throw err;
    return err.problems.map((p) => `${p.line}:${p.column} ${p.path} ${p.message}`);
  }
  return [];
}

describe("the definitions file", () => {
  it("ships a schema whose enums are the library's own", () => {
    const schema = definitionsSchema() as {
      definitions: Record<string, { properties: Record<string, { enum?: string[] }> }>;
    };
    const feature = schema.definitions.feature?.properties ?? {};
    expect(feature.featureType?.enum).toEqual([...FEATURE_TYPES]);
    expect(feature.valueType?.enum).toEqual([...VALUE_TYPES]);
    expect(schema.definitions.step?.properties.kind?.enum).toEqual([...STEP_KIND_NAMES]);
  });

  it("reads YAML and JSON alike, and an empty file as nothing", () => {
    const yaml = parseDefinitions("features:\n  - { name: a, featureType: TEXT, valueType: STRING }\n");
    const json = parseDefinitions(
      '{"features": [{"name": "a", "featureType": "TEXT", "valueType": "STRING"}]}',
    );
    expect(json).toEqual(yaml);
    expect(parseDefinitions("")).toEqual({});
  });

  it("points at each problem's line, column and path", () => {
    expect(
      problems("features:\n  - name: a\n    featureType: TEXT\n    valueType: STRING\n    ttl: 3\n"),
    ).toEqual(['5:5 /features/0/ttl unknown field "ttl"']);
    expect(problems("features: 3\ngroups:\n  - { name: g, features: [] }\n")).toEqual([
      "1:11 /features must be array",
      "3:26 /groups/0/features must NOT have fewer than 1 items",
    ]);
    expect(problems("features:\n  - {name: a\n")[0]).toMatch(/^3:1 {2}/);
    expect(problems("features: []\nfeatures: []\n")[0]).toMatch(/^2:1 {2}Map keys must be unique/);
    expect(problems("- 1\n")).toEqual(["1:1  must be object"]);
  });

  it("refuses a default of the wrong type and a feature declared twice differently, as conflicts", async () => {
    const service = new FeatureService();
    const result = await applyDefinitions(
      service,
      parseDefinitions(`
features:
  - { name: a, featureType: NUMERIC, valueType: INT, defaultValue: "zero" }
  - { name: b, featureType: TEXT, valueType: STRING }
groups:
  - { name: g, features: [{ name: b, featureType: TEXT, valueType: STRING, description: other }, ghost] }
`),
    );
    expect(result.refused).toBe(true);
    expect(result.plan.items.map((i) => [i.kind, i.name, i.action, i.reason])).toEqual([
      ["feature", "b", "conflict", 'feature "b" is declared twice, differently: declare it once'],
      ["feature", "a", "conflict", expect.stringMatching(/"a".*expected a safe integer/)],
      [
        "group",
        "g",
        "conflict",
        expect.stringMatching(/feature "ghost" of group "g" is neither registered nor declared/),
      ],
    ]);
    expect(await service.listFeatures()).toEqual([]);
  });
});
