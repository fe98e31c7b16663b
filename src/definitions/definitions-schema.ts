import { readFileSync } from "node:fs";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import type { DefinitionsFile } from "./definitions-file.js";

/**
 * Where the JSON Schema of a definitions file lives: `schemas/definitions.schema.json` at the
 * package's root (two levels up from `src/definitions/` or `dist/definitions/`), shipped in the
 * package so editors can check and complete the file
 * (`# yaml-language-server: $schema=node_modules/featurestore/schemas/definitions.schema.json`).
 */
export const DEFINITIONS_SCHEMA_URL = new URL("../../schemas/definitions.schema.json", import.meta.url);

let compiled: ValidateFunction<DefinitionsFile> | undefined;

/** The parsed JSON Schema of a definitions file. */
export function definitionsSchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(DEFINITIONS_SCHEMA_URL, "utf8")) as Record<string, unknown>;
}

/**
 * Checks a parsed definitions file against the schema: every error, not only the first.
 * @returns the schema's errors (empty when the file fits it).
 */
export function schemaErrors(data: unknown): ErrorObject[] {
  compiled ??= new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile<DefinitionsFile>(
    definitionsSchema(),
  );
  return compiled(data) ? [] : [...(compiled.errors ?? [])];
}
