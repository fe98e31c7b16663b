import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import { EXPLORER_ASSETS_PATH } from "../src/graphql/explorer.js";

/**
 * Builds the feature explorer into `dist/explorer/`, which the package ships and the server
 * serves (src/graphql/plugins/use-explorer.ts): `index.html` at `/`, the hashed files under
 * `/explorer/assets/`. Preact's JSX through esbuild, no Babel; no file is loaded from elsewhere.
 */
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: `${EXPLORER_ASSETS_PATH}/`,
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    outDir: fileURLToPath(new URL("../dist/explorer/", import.meta.url)),
    emptyOutDir: true,
    assetsDir: "assets",
    target: "es2022",
    reportCompressedSize: false,
  },
  logLevel: "warn",
});
