import { readFile } from "node:fs/promises";
import { generate } from "@graphql-codegen/cli";
import { describe, expect, it } from "vitest";
import config from "../../codegen.js";

describe("generated typed documents", () => {
  it("match what codegen.ts makes from schema.graphql now (run `npm run codegen` after a change)", async () => {
    const outputs = (await generate(
      { ...config, cwd: new URL("../..", import.meta.url).pathname, silent: true },
      false,
    )) as {
      filename: string;
      content: string;
    }[];
    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) {
      const checkedIn = await readFile(new URL(`../../${output.filename}`, import.meta.url), "utf8");
      expect(checkedIn, output.filename).toBe(output.content);
    }
  }, 60_000);
});
