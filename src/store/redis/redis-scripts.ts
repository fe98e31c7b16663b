import { createHash } from "node:crypto";
import type { ChainableCommander, Redis } from "ioredis";
import type { StoredEntry } from "../entry.js";
import { VERSION_DIGITS } from "./redis-keys.js";

/**
 * A Lua script run by its SHA1 (`EVALSHA`), loaded on demand: a server that answers NOSCRIPT
 * (after a restart or `SCRIPT FLUSH`) gets `SCRIPT LOAD` and the call is sent again. NOSCRIPT is
 * raised before a script runs, so the retry never applies anything twice.
 */
export class RedisScript {
  /** The SHA1 of the source, as `EVALSHA` wants it. */
  readonly sha: string;

  constructor(readonly lua: string) {
    this.sha = createHash("sha1").update(lua).digest("hex");
  }

  /** Runs the script once. */
  async run(client: Redis, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    const call = () => client.evalsha(this.sha, keys.length, ...keys, ...args);
    try {
      return await call();
    } catch (err) {
      if (!isNoScript(err)) throw err;
      await client.script("LOAD", this.lua);
      return call();
    }
  }

  /**
   * Runs the script once per call inside one MULTI/EXEC, so the calls apply together and no other
   * client's command runs between them. Returns one reply per call, in order.
   */
  async runTogether(
    client: Redis,
    calls: readonly { keys: readonly string[]; args: readonly string[] }[],
  ): Promise<unknown[]> {
    const attempt = async () => {
      const transaction = client.multi();
      for (const { keys, args } of calls) transaction.evalsha(this.sha, keys.length, ...keys, ...args);
      return batchReplies(transaction);
    };
    try {
      return await attempt();
    } catch (err) {
      // Within one EXEC every call sees the same script cache: all of them failed with NOSCRIPT.
      if (!isNoScript(err)) throw err;
      await client.script("LOAD", this.lua);
      return attempt();
    }
  }
}

/** Runs a pipeline or MULTI and returns its replies in order, throwing the first error among them. */
export async function batchReplies(batch: ChainableCommander): Promise<unknown[]> {
  const results = await batch.exec();
  if (!results) throw new Error("the Redis transaction was aborted");
  return results.map(([err, reply]) => {
    if (err) throw err;
    return reply;
  });
}

function isNoScript(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const previous = (err as { previousErrors?: unknown }).previousErrors;
  return (
    err.message.includes("NOSCRIPT") ||
    (Array.isArray(previous) && previous.some((e) => e instanceof Error && e.message.includes("NOSCRIPT")))
  );
}

/**
 * The text of a stored entry, in the current hash and the history hashes alike:
 * `<version>:<event time ms>:<payload>`, or `<version>:<event time ms>` for a deletion marker.
 * The payload is stored byte for byte; only the first two colons are separators.
 */
export function decodeEntry(text: string): StoredEntry {
  const first = text.indexOf(":");
  const second = text.indexOf(":", first + 1);
  return {
    version: Number(text.slice(0, first)),
    eventTimeMs: Number(second < 0 ? text.slice(first + 1) : text.slice(first + 1, second)),
    payload: second < 0 ? null : text.slice(second + 1),
  };
}

/** The event time of an encoded entry, in Lua (see {@link decodeEntry}). */
const LUA_EVENT_TIME = `local function event_time(entry) return tonumber(string.match(entry, '^%d+:(%-?%d+)')) end`;

/**
 * Appends entries to the keys of ONE entity and returns their versions, in order.
 *
 * KEYS: current hash, sequence hash, then per write its history hash and its timeline.
 * ARGV: history retention, then per write: feature, event time ms, `v` (value) or `d`
 * (deletion marker), payload (empty for a marker).
 *
 * The version comes from HINCRBY on the sequence hash, which trimming never touches, so numbering
 * never restarts. The current entry is replaced when the new one supersedes it: a later or equal
 * event time wins, since the new version is always the highest. History beyond the retention is
 * trimmed from the oldest end; the retained versions are contiguous, so HLEN tells where that is.
 * Event times stay the caller's decimal text (Lua would print large numbers in exponent form).
 */
export const APPEND_SCRIPT = new RedisScript(`
${LUA_EVENT_TIME}
local retention = tonumber(ARGV[1])
local versions = {}
for i = 1, (#ARGV - 1) / 4 do
  local a = 2 + (i - 1) * 4
  local feature, time, kind, payload = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3]
  local history, timeline = KEYS[1 + 2 * i], KEYS[2 + 2 * i]
  local version = redis.call('HINCRBY', KEYS[2], feature, 1)
  local entry = string.format('%d', version) .. ':' .. time
  if kind == 'v' then entry = entry .. ':' .. payload end
  local field = string.format('%0${VERSION_DIGITS}d', version)
  redis.call('HSET', history, field, entry)
  redis.call('ZADD', timeline, time, field)
  local current = redis.call('HGET', KEYS[1], feature)
  if not current or tonumber(time) >= event_time(current) then
    redis.call('HSET', KEYS[1], feature, entry)
  end
  local kept = redis.call('HLEN', history)
  for old = version - kept + 1, version - retention do
    local stale = string.format('%0${VERSION_DIGITS}d', old)
    redis.call('HDEL', history, stale)
    redis.call('ZREM', timeline, stale)
  end
  versions[i] = version
end
return versions
`);

/**
 * The entry of one key in force at a time: greatest event time <= as-of, ties to the higher
 * version. The current entry is the greatest of all, so when it is old enough it is the answer,
 * even if trimming removed it from the history; otherwise the timeline's last member at or below
 * the time wins (members of equal score sort by their zero-padded version).
 *
 * KEYS: current hash, timeline, history hash. ARGV: feature, as-of ms.
 */
export const AS_OF_SCRIPT = new RedisScript(`
${LUA_EVENT_TIME}
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return false end
if event_time(current) <= tonumber(ARGV[2]) then return current end
local field = redis.call('ZREVRANGEBYSCORE', KEYS[2], ARGV[2], '-inf', 'LIMIT', 0, 1)[1]
if not field then return false end
return redis.call('HGET', KEYS[3], field)
`);
