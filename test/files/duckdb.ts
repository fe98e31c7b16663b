import { DuckDBInstance } from "@duckdb/node-api";

/**
 * Runs SQL in a fresh in-memory DuckDB: an independent reader (and writer) of Parquet, CSV and
 * NDJSON files, so the tests check our files with code that is not ours.
 */
export async function duckdb(sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const statements = sql.split(";").filter((s) => s.trim() !== "");
    let rows: Record<string, unknown>[] = [];
    for (const statement of statements) {
      rows = (await connection.runAndReadAll(statement)).getRowObjectsJson() as Record<string, unknown>[];
    }
    return rows;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
