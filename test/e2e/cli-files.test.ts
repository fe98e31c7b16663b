import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { FeatureService, openStore } from "../../src/index.js";
import { duckdb } from "../files/duckdb.js";
import { ServerProcess } from "./server-process.js";

let dir: string;
let env: Record<string, string>;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "fs-cli-files-"));
  env = { FEATURESTORE_URL: `sqlite://${dir}/features.db` };
  const store = await openStore(env.FEATURESTORE_URL as string);
  await store.registerFeature({ name: "age", featureType: "NUMERIC", valueType: "INT", defaultValue: 0 });
  await store.registerFeature({ name: "country", featureType: "CATEGORICAL", valueType: "STRING" });
  await new FeatureService(store).registerTransform({
    name: "m",
    features: [
      { featureName: "age", steps: [{ kind: "STANDARDIZE", mean: 30, std: 2 }] },
      { featureName: "country", steps: [{ kind: "ONE_HOT", categories: ["FR"] }] },
    ],
    derived: [{ name: "adult", expression: "age >= 18", featureType: "BOOLEAN", valueType: "BOOL" }],
  });
  await store.close();
  writeFileSync(
    join(dir, "features.csv"),
    "user,ts,age,country\nu1,2026-01-01T00:00:00Z,30,FR\nu1,2026-02-01T00:00:00Z,31,\nu2,2026-01-01,x,DE\n",
  );
  writeFileSync(
    join(dir, "rows.csv"),
    "entity_id,timestamp,label\nu1,2026-01-15,0\nu1,2026-02-15,1\nu3,2026-02-15,0\n",
  );
});

describe("featurestore import and training-set", () => {
  it("imports a file, reporting its rows, then writes a Parquet training set from a file of rows", async () => {
    const imported = await ServerProcess.runToExit(
      [
        "import",
        "--file",
        join(dir, "features.csv"),
        "--entity-id-column",
        "user",
        "--event-time-column",
        "ts",
      ],
      env,
    );
    expect(imported.child.exitCode, imported.log()).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({
      rowsRead: 3,
      rowsWritten: 2,
      valuesWritten: 3,
      rejected: 1,
      problems: [{ row: 3, outcome: "rejected" }],
    });
    const out = join(dir, "train.parquet");
    const joined = await ServerProcess.runToExit(
      [
        "training-set",
        "--rows",
        join(dir, "rows.csv"),
        "--features",
        "age,country",
        "--out",
        out,
        "--event-times",
      ],
      env,
    );
    expect(joined.child.exitCode, joined.log()).toBe(0);
    expect(
      await duckdb(
        `SELECT entity_id, label, age, country, epoch_ms(age__event_time) AS age_at FROM read_parquet('${out}')`,
      ),
    ).toEqual([
      { entity_id: "u1", label: "0", age: "30", country: "FR", age_at: String(Date.UTC(2026, 0, 1)) },
      { entity_id: "u1", label: "1", age: "31", country: "FR", age_at: String(Date.UTC(2026, 1, 1)) },
      { entity_id: "u3", label: "0", age: "0", country: null, age_at: null },
    ]);
  });

  it("fails with one line and no output file for an unregistered feature or a bad row", async () => {
    const out = join(dir, "train.csv");
    const ghost = await ServerProcess.runToExit(
      ["training-set", "--rows", join(dir, "rows.csv"), "--features", "age,ghost", "--out", out],
      env,
    );
    expect(ghost.child.exitCode).toBe(1);
    expect(ghost.lines.filter((l) => l.level === 0).map((l) => l.msg)).toEqual([
      'featurestore: feature "ghost" is not registered',
    ]);
    expect(existsSync(out)).toBe(false);
    writeFileSync(join(dir, "bad.csv"), "entity_id,timestamp\nu1,2026-01-15\nu2,later\n");
    const bad = await ServerProcess.runToExit(
      ["training-set", "--rows", join(dir, "bad.csv"), "--features", "age", "--out", out],
      env,
    );
    expect(bad.child.exitCode).toBe(1);
    expect(bad.lines.filter((l) => l.level === 0).map((l) => l.msg)[0]).toMatch(/row 2/);
    expect(existsSync(out)).toBe(false);
    const missing = await ServerProcess.runToExit(["import", "--file", join(dir, "features.csv")], env);
    expect(missing.child.exitCode).toBe(2);
  });

  it("writes a training set through a stored transform, reporting which version produced it", async () => {
    // The values are written here, not by `featurestore import`: one process less on a loaded machine.
    const store = await openStore(env.FEATURESTORE_URL as string);
    await store.setValues([
      { featureName: "age", entityId: "u1", value: 30, eventTime: new Date("2026-01-01T00:00:00Z") },
      { featureName: "country", entityId: "u1", value: "FR", eventTime: new Date("2026-01-01T00:00:00Z") },
      { featureName: "age", entityId: "u1", value: 31, eventTime: new Date("2026-02-01T00:00:00Z") },
    ]);
    await store.close();
    const out = join(dir, "train.parquet");
    const joined = await ServerProcess.runToExit(
      [
        "training-set",
        "--rows",
        join(dir, "rows.csv"),
        "--features",
        "age,country",
        "--out",
        out,
        "--transform",
        "m",
      ],
      env,
    );
    expect(joined.child.exitCode, joined.log()).toBe(0);
    expect(JSON.parse(joined.stdout)).toEqual({ rows: 3, transform: "m@1" });
    expect(await duckdb(`SELECT entity_id, label, age, country, adult FROM read_parquet('${out}')`)).toEqual([
      { entity_id: "u1", label: "0", age: 0, country: [1, 0], adult: true },
      { entity_id: "u1", label: "1", age: 0.5, country: [1, 0], adult: true },
      // u3 has no values: age's default 0, and country's null stays null through ONE_HOT.
      { entity_id: "u3", label: "0", age: -15, country: null, adult: false },
    ]);
    const ghost = await ServerProcess.runToExit(
      [
        "training-set",
        "--rows",
        join(dir, "rows.csv"),
        "--features",
        "age",
        "--out",
        out,
        "--transform",
        "m@2",
      ],
      env,
    );
    expect(ghost.child.exitCode).toBe(1);
    expect(ghost.lines.filter((l) => l.level === 0).map((l) => l.msg)).toEqual([
      'featurestore: transform "m@2" is not registered',
    ]);
    // Refused before the output was opened: the training set written before is still there.
    expect(existsSync(out)).toBe(true);
  }, 90_000);
});
