import pg, { type ClientBase } from "pg";
import { ConfigurationError } from "../../core/errors.js";
import { checkNamespace } from "../namespace.js";

/**
 * The quoted name of the PostgreSQL schema that holds a namespace's tables, `"featurestore_<namespace>"`.
 * The namespace rule ({@link checkNamespace}) keeps it a plain lowercase identifier below PostgreSQL's
 * 63-byte limit, so two namespaces never share a schema by truncation.
 * @throws ConfigurationError for an invalid namespace.
 */
export function schemaFor(namespace: string): string {
  return `"featurestore_${checkNamespace(namespace)}"`;
}

/**
 * The migrations, in order: entry `i` brings a schema from version `i` to `i + 1`. Only append to
 * this list; a migration that has been released never changes.
 */
const MIGRATIONS: readonly ((schema: string) => string)[] = [
  (s) => `
    CREATE TABLE ${s}.definitions (name TEXT PRIMARY KEY, body TEXT NOT NULL);
    CREATE TABLE ${s}.groups (name TEXT PRIMARY KEY, body TEXT NOT NULL);
    CREATE TABLE ${s}.history (
      feature TEXT NOT NULL, entity TEXT NOT NULL, version INTEGER NOT NULL,
      event_time BIGINT NOT NULL, payload TEXT,
      PRIMARY KEY (feature, entity, version)
    );
    CREATE INDEX history_as_of ON ${s}.history (feature, entity, event_time DESC, version DESC);
    CREATE TABLE ${s}.current (
      entity TEXT NOT NULL, feature TEXT NOT NULL, last_version INTEGER NOT NULL,
      version INTEGER NOT NULL, event_time BIGINT NOT NULL, payload TEXT,
      PRIMARY KEY (entity, feature)
    );`,
  // Definitions and groups become versioned records of one catalog, committed together.
  (s) => `
    CREATE TABLE ${s}.catalog (
      kind TEXT NOT NULL, name TEXT NOT NULL, version INTEGER NOT NULL, body TEXT NOT NULL,
      PRIMARY KEY (kind, name, version)
    );
    INSERT INTO ${s}.catalog (kind, name, version, body) SELECT 'feature', name, 1, body FROM ${s}.definitions;
    INSERT INTO ${s}.catalog (kind, name, version, body) SELECT 'group', name, 1, body FROM ${s}.groups;
    DROP TABLE ${s}.definitions;
    DROP TABLE ${s}.groups;`,
  // Exploring: a feature's entities in byte order of their ids (statistics, entity pages), and
  // its history by event time (first and last write, writes per time bucket).
  (s) => `
    CREATE INDEX current_by_feature ON ${s}.current (feature, entity COLLATE "C");
    CREATE INDEX history_by_time ON ${s}.history (feature, event_time);`,
];

/** The schema version this code reads and writes. */
const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Creates or migrates a namespace's schema to {@link SCHEMA_VERSION}, recording each applied
 * version in its `schema_version` table. Everything runs in one transaction holding an advisory
 * lock keyed on the namespace, so servers starting together wait for each other instead of
 * racing on `CREATE`, and a failed migration leaves nothing half done.
 * @throws ConfigurationError when the schema was written by a newer version of this code.
 */
export async function migrateSchema(client: ClientBase, namespace: string): Promise<void> {
  const schema = schemaFor(namespace);
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('featurestore'), hashtext($1))", [namespace]);
    await client.query(`
      CREATE SCHEMA IF NOT EXISTS ${schema};
      CREATE TABLE IF NOT EXISTS ${schema}.schema_version (
        version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
    const { rows } = await client.query<{ version: number }>(
      `SELECT coalesce(max(version), 0) AS version FROM ${schema}.schema_version`,
    );
    const recorded = rows[0]?.version ?? 0;
    if (recorded > SCHEMA_VERSION) {
      throw new ConfigurationError(
        `postgres namespace "${namespace}" has schema version ${recorded}, newer than the ${SCHEMA_VERSION} this version of the feature store understands`,
        { namespace, schemaVersion: recorded },
      );
    }
    for (let version = recorded + 1; version <= SCHEMA_VERSION; version++) {
      await client.query((MIGRATIONS[version - 1] as (schema: string) => string)(schema));
      await client.query(`INSERT INTO ${schema}.schema_version (version) VALUES ($1)`, [version]);
    }
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  }
}

/** Drops a namespace's schema with everything in it (for tests and benchmarks). */
export async function dropPostgresNamespace(connection: string, namespace: string): Promise<void> {
  const client = new pg.Client({ connectionString: connection });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schemaFor(namespace)} CASCADE`);
  } finally {
    await client.end();
  }
}
