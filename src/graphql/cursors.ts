import { ValidationError } from "../core/errors.js";
import type { HistoryPosition } from "../store/history-page.js";

/**
 * Opaque cursors of the API's connections: base64url text a client hands back unchanged. An
 * entity cursor holds its id, a history cursor an (event time, version) position, so a cursor
 * stays valid whatever is written meanwhile: the next page starts right after it.
 */
const ENTITY = "e:";
const HISTORY = /^h:(-?\d{1,16}):(\d{1,16})$/;

function decode(cursor: string): string {
  return Buffer.from(cursor, "base64url").toString("utf8");
}

function malformed(cursor: string): ValidationError {
  return new ValidationError(`malformed cursor ${JSON.stringify(cursor.slice(0, 100))}`);
}

/** The cursor of an entity id in an entity page. */
export function entityCursor(entityId: string): string {
  return Buffer.from(ENTITY + entityId, "utf8").toString("base64url");
}

/** The entity id an entity cursor holds. @throws ValidationError for anything else. */
export function entityOfCursor(cursor: string): string {
  const text = decode(cursor);
  if (!text.startsWith(ENTITY) || entityCursor(text.slice(ENTITY.length)) !== cursor) throw malformed(cursor);
  return text.slice(ENTITY.length);
}

/** The cursor of a history entry. */
export function historyCursor(position: HistoryPosition): string {
  return Buffer.from(`h:${position.eventTimeMs}:${position.version}`, "utf8").toString("base64url");
}

/** The position a history cursor holds. @throws ValidationError for anything else. */
export function positionOfCursor(cursor: string): HistoryPosition {
  const match = HISTORY.exec(decode(cursor));
  const position = match && { eventTimeMs: Number(match[1]), version: Number(match[2]) };
  if (!position || historyCursor(position) !== cursor) throw malformed(cursor);
  return position;
}
