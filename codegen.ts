import type { CodegenConfig } from "@graphql-codegen/cli";

/** What both clients' typed documents share: plain types, our scalars as what JSON gives. */
const clientTypes = {
  useTypeImports: true,
  emitLegacyCommonJSImports: false,
  enumsAsTypes: true,
  strictScalars: true,
  scalars: { DateTime: "string", JSON: "unknown" },
} as const;

/**
 * GraphQL Code Generator: typed documents for the operations under test/graphql/operations
 * and for the feature explorer's under web/src/operations, generated from the checked-in
 * schema.graphql (run `npm run print-schema` first when the schema changed, then
 * `npm run codegen`). The explorer's are strings (`documentMode: "string"`), so its bundle
 * carries no GraphQL parser.
 */
const config: CodegenConfig = {
  schema: "schema.graphql",
  ignoreNoDocuments: false,
  generates: {
    "test/graphql/generated/": {
      documents: ["test/graphql/operations/**/*.graphql"],
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: clientTypes,
    },
    "web/src/generated/": {
      documents: ["web/src/operations/**/*.graphql"],
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: { ...clientTypes, documentMode: "string" },
    },
  },
};

export default config;
