import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEMO_DEFINITIONS_PATH, loadDemoData } from "../../src/graphql/demo-data.js";
import { FeatureService, openStore } from "../../src/index.js";
import { ROOT, ServerProcess } from "./server-process.js";

let dir: string;
let env: Record<string, string>;
const running: ServerProcess[] = [];

const FILE = `features:
  - name: age
    featureType: NUMERIC
    valueType: INT
    defaultValue: 0
    tags: [user]
  - name: clicks_7d
    featureType: NUMERIC
    valueType: INT
    defaultValue: 0
    ttlSeconds: 604800
groups:
  - name: user
    description: a user
    features: [age, clicks_7d, { name: country, featureType: CATEGORICAL, valueType: STRING }]
transforms:
  - name: clip_age
    features:
      - featureName: age
        steps: [{ kind: CLIP, min: 0, max: 120 }]
`;

/** Writes a definitions file into the test's directory and returns its path. */
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Runs `featurestore ARGS` against the test's store and waits for it to exit. */
async function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string[] }> {
  const run = await ServerProcess.runToExit(args, env);
  // Plain lines only: log lines (JSON) are the logger's, not the command's output.
  const plain = run.lines.filter((l) => l.level === 0).map((l) => l.msg);
  return { code: run.child.exitCode, stdout: run.stdout, stderr: plain };
}

async function versionsOf(name: string): Promise<number[]> {
  const store = await openStore(env.FEATURESTORE_URL as string);
  try {
    return (await store.definitionVersions(name)).map((v) => v.version);
  } finally {
    await store.close();
  }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "fs-apply-"));
  env = { FEATURESTORE_URL: `sqlite://${dir}/features.db`, FEATURESTORE_LOG_LEVEL: "warn" };
});

afterEach(() => {
  for (const server of running.splice(0)) server.kill();
});

// Each case runs the command several times, a process each: seconds apiece on a loaded machine.
describe("featurestore apply and plan", { timeout: 180_000 }, () => {
  it("prints the plan, changes nothing on a dry run, applies, and has nothing to do the second time", async () => {
    const path = file("definitions.yaml", FILE);
    for (const args of [
      ["plan", path],
      ["apply", path, "--dry-run"],
    ]) {
      const dry = await cli(...args);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain(`Plan for ${path}:`);
      expect(dry.stdout).toContain("  + feature age: to add");
      expect(dry.stdout).toContain("  + feature country: to add");
      expect(dry.stdout).toContain("  + group user: to add");
      expect(dry.stdout).toMatch(/\+ transform clip_age: to add/);
      expect(dry.stdout).toContain("5 to add, 0 to change, 0 unchanged, 0 conflicting.");
      expect(dry.stdout).toContain("Dry run: nothing was changed.");
      expect(await versionsOf("age")).toEqual([]);
    }

    const applied = await cli("apply", path);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain("Applied. Transform clip_age@1 registered.");
    expect(await versionsOf("country")).toEqual([1]);

    const again = await cli("apply", path);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("0 to add, 0 to change, 5 unchanged, 0 conflicting.");
    expect(again.stdout).toContain("Nothing to do.");
  });

  it("applies a change of the mutable fields as a new version, and reports it as JSON", async () => {
    expect((await cli("apply", file("v1.yaml", FILE))).code).toBe(0);
    const changed = FILE.replace("ttlSeconds: 604800", "ttlSeconds: 1209600\n    description: two weeks");
    const json = file("v2.json", JSON.stringify((await import("yaml")).parse(changed)));
    const planned = await cli("plan", json, "--json");
    expect(planned.code).toBe(0);
    const plan = JSON.parse(planned.stdout);
    expect(plan).toMatchObject({ valid: true, dryRun: true, refused: false, applied: false });
    expect(plan.summary).toEqual({ add: 0, change: 1, unchanged: 4, conflict: 0 });
    expect(plan.items).toContainEqual({
      kind: "feature",
      name: "clicks_7d",
      action: "change",
      currentVersion: 1,
      fields: ["ttlSeconds", "description"].sort(
        (a, b) =>
          ["description", "tags", "ttlSeconds"].indexOf(a) - ["description", "tags", "ttlSeconds"].indexOf(b),
      ),
    });
    expect(await versionsOf("clicks_7d")).toEqual([1]);

    const applied = await cli("apply", json, "--json");
    expect(applied.code).toBe(0);
    expect(JSON.parse(applied.stdout)).toMatchObject({ applied: true, summary: { change: 1 } });
    expect(await versionsOf("clicks_7d")).toEqual([1, 2]);
    expect(JSON.parse((await cli("apply", json, "--json")).stdout).summary).toEqual({
      add: 0,
      change: 0,
      unchanged: 5,
      conflict: 0,
    });
  });

  it("refuses the whole file on a conflict, listing each with what to do, and changes nothing", async () => {
    expect((await cli("apply", file("v1.yaml", FILE))).code).toBe(0);
    const conflicting = FILE.replace("ttlSeconds: 604800", "ttlSeconds: 60")
      .replace(
        "valueType: INT\n    defaultValue: 0\n    tags: [user]",
        "valueType: FLOAT\n    defaultValue: 0\n    tags: [user]",
      )
      .replace("features: [age, clicks_7d, {", "features: [clicks_7d, age, {")
      .concat("  - name: broken\n    features: [{ featureName: ghost, steps: [{ kind: LOG1P }] }]\n");
    const refused = await cli("apply", file("bad.yaml", conflicting));
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(
      /! feature age: CONFLICT: feature "age" cannot change its valueType.*Register a new feature name/,
    );
    expect(refused.stdout).toMatch(
      /! group user: CONFLICT: group "user" cannot change its features.*new group name/,
    );
    expect(refused.stdout).toMatch(/! transform broken: CONFLICT: feature "ghost" is not registered/);
    expect(refused.stdout).toContain("~ feature clicks_7d: to change (version 1 -> 2): ttlSeconds");
    expect(refused.stdout).toContain("Refused: 3 conflicts, so nothing was changed.");
    // The allowed change was not applied either: the file is refused whole.
    expect(await versionsOf("clicks_7d")).toEqual([1]);
    expect(await versionsOf("age")).toEqual([1]);

    const json = await cli("apply", join(dir, "bad.yaml"), "--json");
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ refused: true, applied: false, summary: { conflict: 3, change: 1 } });
    expect(
      report.items
        .filter((i: { action: string }) => i.action === "conflict")
        .map((i: { name: string }) => i.name),
    ).toEqual(["age", "user", "broken"]);
  });

  it("refuses a file that does not fit the schema, pointing at each problem's line, and opens no store", async () => {
    const path = file(
      "invalid.yaml",
      [
        "features:",
        "  - name: age",
        "    featureType: NUMERIC",
        "    valueType: INTEGER",
        "  - name: country",
        "    featureTyp: CATEGORICAL",
        "    valueType: STRING",
        "groups:",
        "  - name: g",
        "    features: [age, 3]",
        "",
      ].join("\n"),
    );
    const run = await cli("apply", path, "--store-url", "postgres://postgres@127.0.0.1:1/never");
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toEqual([
      `featurestore: ${path} is not a valid definitions file (nothing was changed):`,
      `  ${path}:4:16: /features/0/valueType: must be one of INT, FLOAT, STRING, BOOL, LIST, DICT`,
      `  ${path}:5:5: /features/1: missing field "featureType"`,
      `  ${path}:6:5: /features/1/featureTyp: unknown field "featureTyp"`,
      `  ${path}:10:21: /groups/0/features/1: must be a feature name or a feature definition`,
    ]);
    const json = await cli("plan", path, "--json", "--store-url", "postgres://postgres@127.0.0.1:1/never");
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout).problems[0]).toEqual({
      path: "/features/0/valueType",
      line: 4,
      column: 16,
      message: "must be one of INT, FLOAT, STRING, BOOL, LIST, DICT",
    });
    const unparsable = await cli("plan", file("broken.json", '{"features": [\n  {"name": "a",\n'));
    expect(unparsable.code).toBe(2);
    expect(unparsable.stderr[1]).toMatch(/broken\.json:\d+:\d+: /);
  });

  it("accepts the README's example file", async () => {
    const example = join(ROOT, "examples/definitions.yaml");
    const applied = await cli("apply", example);
    expect(applied.code, applied.stdout + applied.stderr.join("\n")).toBe(0);
    expect(applied.stdout).toContain("Applied. Transform churn_model@1 registered.");
    expect((await cli("plan", example)).stdout).toContain(
      "0 to add, 0 to change, 5 unchanged, 0 conflicting.",
    );
    expect(readFileSync(example, "utf8")).toContain("$schema=../schemas/definitions.schema.json");
  });

  it("applies the demo data's definitions file with nothing to do on a store the demo loader filled", async () => {
    const store = await openStore(env.FEATURESTORE_URL as string);
    await loadDemoData(new FeatureService(store));
    await store.close();
    const again = await cli("apply", DEMO_DEFINITIONS_PATH);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/0 to add, 0 to change, \d+ unchanged, 0 conflicting\./);
    expect(again.stdout).toContain("= group user_profile: unchanged (version 1)");
    expect(again.stdout).toContain("Nothing to do.");
  });

  it("serves a version applied by another process, old versions and reads as of a time included", async () => {
    expect((await cli("apply", file("v1.yaml", FILE))).code).toBe(0);
    const store = await openStore(env.FEATURESTORE_URL as string);
    await store.setValue("clicks_7d", "u1", 3, { eventTime: new Date(Date.now() - 10 * 86_400_000) });
    await store.close();
    const beforeChange = new Date(Date.now() - 86_400_000).toISOString();
    // At info: the server says "listening" in its log.
    const server = await ServerProcess.start(["--port", "0", "--no-demo-data"], {
      ...env,
      FEATURESTORE_LOG_LEVEL: "info",
    });
    running.push(server);
    const ask = async (query: string) => {
      const response = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query }),
      });
      return (await response.json()) as { data: Record<string, unknown> };
    };
    const vector = `{ now: vector(entityId: "u1", featureNames: ["clicks_7d"]) { values }
      dayAgo: vector(entityId: "u1", featureNames: ["clicks_7d"], asOf: "${beforeChange}") { values } }`;
    // A week's TTL: the 10-day-old value has expired.
    expect((await ask(vector)).data).toEqual({
      now: { values: { clicks_7d: 0 } },
      dayAgo: { values: { clicks_7d: 0 } },
    });

    const longer = FILE.replace("ttlSeconds: 604800", "ttlSeconds: 2592000").replace(
      "defaultValue: 0\n    ttl",
      "defaultValue: -1\n    ttl",
    );
    expect((await cli("apply", file("v2.yaml", longer))).code).toBe(0);
    // The server is another process: it sees version 2 once its cache is refreshed.
    await expect
      .poll(async () => (await ask(`{ feature(name: "clicks_7d") { version ttlSeconds } }`)).data.feature, {
        timeout: 10_000,
        interval: 250,
      })
      .toEqual({ version: 2, ttlSeconds: 2592000 });
    // Now 30 days' TTL serves the value; a day ago version 1 was in force, and it had expired.
    expect((await ask(vector)).data).toEqual({
      now: { values: { clicks_7d: 3 } },
      dayAgo: { values: { clicks_7d: 0 } },
    });
    const old =
      await ask(`{ feature(name: "clicks_7d", version: 1) { version ttlSeconds defaultValue validFrom }
      all: feature(name: "clicks_7d") { versions { version defaultValue } } }`);
    expect(old.data).toEqual({
      feature: { version: 1, ttlSeconds: 604800, defaultValue: 0, validFrom: null },
      all: {
        versions: [
          { version: 1, defaultValue: 0 },
          { version: 2, defaultValue: -1 },
        ],
      },
    });
  });
});
