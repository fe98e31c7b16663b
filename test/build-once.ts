/**
 * Vitest's global setup: builds the package once before any test runs (`npm run build`;
 * incremental, so it writes nothing when nothing changed). The GraphiQL tests serve the
 * files the build copies into `dist/graphiql/`, `npm start` runs `dist/`, and building here,
 * once, means no test rebuilds `dist/` while another reads it.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export default function buildOnce(): void {
  try {
    execFileSync("npm", ["run", "build"], {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      stdio: "pipe",
      encoding: "utf8",
    });
  } catch (err) {
    const { stdout = "", stderr = "" } = err as { stdout?: string; stderr?: string };
    throw new Error(`npm run build failed:\n${stdout}${stderr}`);
  }
}
