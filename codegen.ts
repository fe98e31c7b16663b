import type { CodegenConfig } from "@graphql-codegen/cli";

/**
 * GraphQL Code Generator: typed documents for the operations under test/graphql/operations,
 * generated from the checked-in schema.graphql (run `npm run print-schema` first when the
 * schema changed, then `npm run codegen`).
 */
const config: CodegenConfig = {
  schema: "schema.graphql",
  documents: ["test/graphql/operations/**/*.graphql"],
  ignoreNoDocuments: false,
  generates: {
    "test/graphql/generated/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        emitLegacyCommonJSImports: false,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: { DateTime: "string", JSON: "unknown" },
      },
    },
  },
};

export default config;
