import { readFile } from "node:fs/promises";
import type { ErrorObject } from "ajv";
import { isMap, LineCounter, type Node, parseDocument } from "yaml";
import { ValidationError } from "../core/errors.js";
import type { FeatureDefinition } from "../core/models.js";
import type { TransformDeclaration } from "../transforms/transform-model.js";
import { schemaErrors } from "./definitions-schema.js";

/** A group as a definitions file declares it: its features by name, or declared in place. */
export interface DeclaredGroup {
  name: string;
  description?: string | null;
  tags?: string[];
  /** In order: the name of a feature declared under `features` (or registered), or a feature declared here. */
  features: (string | FeatureDefinition)[];
}

/**
 * Definitions as code: what `featurestore apply` reads from a YAML or JSON file (its JSON
 * Schema is `schemas/definitions.schema.json`).
 *
 * @example
 * ```yaml
 * features:
 *   - { name: age, featureType: NUMERIC, valueType: INT, defaultValue: 0 }
 * groups:
 *   - { name: user, features: [age] }
 * ```
 */
export interface DefinitionsFile {
  features?: FeatureDefinition[];
  groups?: DeclaredGroup[];
  transforms?: TransformDeclaration[];
}

/** One thing wrong with a definitions file, where it is. */
export interface FileProblem {
  /** The place in the file, as a JSON pointer (`/features/2/valueType`); empty for the whole file. */
  readonly path: string;
  /** 1-based line and column of that place, when known. */
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
}

/**
 * A definitions file that does not parse or does not fit the schema: every problem, each at its
 * place in the file. Nothing is read from the store or changed.
 */
export class DefinitionsFileError extends ValidationError {
  /** Every problem found, in file order. */
  readonly problems: readonly FileProblem[];

  constructor(source: string, problems: readonly FileProblem[]) {
    super(
      `${source} is not a valid definitions file:\n${problems.map((p) => `  ${describeProblem(source, p)}`).join("\n")}`,
      { source, problems: problems.map((p) => ({ ...p })) },
    );
    this.problems = problems;
  }
}

/** `file:line:column: /path: message`, the place first as editors and CI logs link it. */
export function describeProblem(source: string, problem: FileProblem): string {
  const at = problem.line === undefined ? source : `${source}:${problem.line}:${problem.column ?? 1}`;
  return `${at}: ${problem.path === "" ? "" : `${problem.path}: `}${problem.message}`;
}

/**
 * Parses a definitions file (YAML, of which JSON is a part) and checks it against the schema.
 * @param source the file's name, for messages.
 * @throws DefinitionsFileError listing every problem with its line, column and path.
 */
export function parseDefinitions(text: string, source = "definitions"): DefinitionsFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (doc.errors.length > 0) {
    throw new DefinitionsFileError(
      source,
      doc.errors.map((e) => ({
        path: "",
        ...position(e.pos[0]),
        message: e.message.split("\n")[0] ?? e.message,
      })),
    );
  }
  const data: unknown = doc.toJS() ?? {};
  const errors = relevant(schemaErrors(data), data);
  if (errors.length > 0) {
    const problems = errors.map((error) => {
      const segments = pathOf(error);
      const node = nodeAt(doc.contents, segments, error.keyword === "additionalProperties");
      return {
        path: segments.length === 0 ? "" : `/${segments.join("/")}`,
        ...(node?.range ? position(node.range[0]) : {}),
        message: messageOf(error),
      };
    });
    problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
    throw new DefinitionsFileError(source, problems);
  }
  return data as DefinitionsFile;
}

/** Reads and parses a definitions file (see {@link parseDefinitions}). */
export async function readDefinitionsFile(path: string): Promise<DefinitionsFile> {
  return parseDefinitions(await readFile(path, "utf8"), path);
}

/**
 * The errors worth showing. A group's feature is a name or a definition (an `anyOf`): a value
 * that fits neither gets the errors of the form it has (a string: the name's; an object: the
 * definition's), and the summary only when it has neither form.
 */
function relevant(errors: ErrorObject[], data: unknown): ErrorObject[] {
  const choices = errors.filter((e) => e.keyword === "anyOf");
  return errors.filter((error) => {
    const choice = choices.find((c) => error.instancePath.startsWith(c.instancePath));
    if (choice === undefined) return true;
    const value = valueAt(data, pathOf(choice));
    const form =
      typeof value === "string" ? "name" : typeof value === "object" && value !== null ? "feature" : "none";
    if (error === choice) return form === "none";
    const ofName =
      error.instancePath === choice.instancePath && error.schemaPath.startsWith("#/definitions/name/");
    return form === "name" ? ofName : form === "feature" && !ofName;
  });
}

function valueAt(data: unknown, segments: readonly (string | number)[]): unknown {
  let value = data;
  for (const segment of segments) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

/** The path segments of the place an error is about (a stray key: the key itself). */
function pathOf(error: ErrorObject): (string | number)[] {
  const segments: (string | number)[] = error.instancePath
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  if (error.keyword === "additionalProperties") segments.push(String(error.params.additionalProperty));
  return segments;
}

function messageOf(error: ErrorObject): string {
  switch (error.keyword) {
    case "additionalProperties":
      return `unknown field "${String(error.params.additionalProperty)}"`;
    case "enum":
      return `must be one of ${(error.params.allowedValues as unknown[]).join(", ")}`;
    case "required":
      return `missing field "${String(error.params.missingProperty)}"`;
    case "anyOf":
      return "must be a feature name or a feature definition";
    default:
      return error.message ?? error.keyword;
  }
}

/** The YAML node at a path; with `atKey`, the key node of the last segment (a stray key). */
function nodeAt(root: unknown, segments: readonly (string | number)[], atKey: boolean): Node | undefined {
  let node = root as Node | null | undefined;
  for (const [i, segment] of segments.entries()) {
    if (node === null || node === undefined || !("items" in node)) return undefined;
    const collection = node as unknown as { items: unknown[] };
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === segment);
      if (!pair) return node;
      node = ((atKey && i === segments.length - 1) || pair.value === null ? pair.key : pair.value) as Node;
    } else {
      node = collection.items[segment as number] as Node | undefined;
    }
  }
  return node ?? undefined;
}
