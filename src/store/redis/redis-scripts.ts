import { createHash } from "node:crypto";
import type { ChainableCommander, Cluster, Redis } from "ioredis";
import { VERSION_DIGITS } from "./redis-keys.js";

/** One run of a script: its keys and arguments. */
export interface ScriptCall {
  readonly keys: readonly string[];
  readonly args: readonly string[];
}

/**
 * A Lua script run by its SHA1 (`EVALSHA`), loaded on demand: a server that answers NOSCRIPT
 * (after a restart or `SCRIPT FLUSH`) gets `SCRIPT LOAD` and the call is sent again. NOSCRIPT is
 * raised before a script runs, so the retry never applies anything twice. On a cluster the script
 * is loaded on every master, since each keeps its own script cache; a batch is then sent to one
 * node (see `RedisClusterBackend`), so a NOSCRIPT retry resends only calls that did not run.
 */
export class RedisScript {
  /** The SHA1 of the source, as `EVALSHA` wants it. */
  readonly sha: string;

  constructor(readonly lua: string) {
    this.sha = createHash("sha1").update(lua).digest("hex");
  }

  /** Runs the script once. */
  async run(client: Redis | Cluster, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    // One array argument, never spread: a batch of many writes has more keys and arguments than
    // a JavaScript call may take, and ioredis flattens the array into the command itself.
    const call = () => client.evalsha(this.sha, keys.length, keys.concat(args));
    try {
      return await call();
    } catch (err) {
      if (!isNoScript(err)) throw err;
      await this.load(client);
      return call();
    }
  }

  /**
   * Runs the script once per call inside one MULTI/EXEC, so the calls apply together and no other
   * client's command runs between them. Returns one reply per call, in order.
   */
  runTogether(client: Redis, calls: readonly ScriptCall[]): Promise<unknown[]> {
    return this.runBatch(client, calls, () => client.multi());
  }

  /**
   * Runs the script once per call in one pipeline: one round trip, not atomic (for read-only
   * scripts, which may then be sent again). Returns one reply per call, in order.
   */
  runPipelined(client: Redis | Cluster, calls: readonly ScriptCall[]): Promise<unknown[]> {
    return this.runBatch(client, calls, () => client.pipeline());
  }

  private async runBatch(
    client: Redis | Cluster,
    calls: readonly ScriptCall[],
    open: () => ChainableCommander,
  ): Promise<unknown[]> {
    const attempt = async () => {
      const batch = open();
      for (const { keys, args } of calls) batch.evalsha(this.sha, keys.length, keys.concat(args));
      return batchReplies(batch);
    };
    try {
      return await attempt();
    } catch (err) {
      // A batch sent to a server without the script fails with NOSCRIPT before anything runs.
      if (!isNoScript(err)) throw err;
      await this.load(client);
      return attempt();
    }
  }

  /**
   * Loads the script on the server, or on every master of a cluster. A master that cannot be
   * reached is skipped: the retried call fails on it by itself.
   */
  private async load(client: Redis | Cluster): Promise<void> {
    if (!("nodes" in client)) {
      await client.script("LOAD", this.lua);
      return;
    }
    await Promise.allSettled(client.nodes("master").map((node) => node.script("LOAD", this.lua)));
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
 * Lua functions over encoded entries (see `decodeEntryText`): the event time as a number and as
 * the caller's decimal text (Lua would print a large number in exponent form), and whether an
 * entry is a live value rather than a deletion marker (a marker has no third part).
 */
const LUA_ENTRY = `
local function event_text(entry) return string.match(entry, '^%d+:(%-?%d+)') end
local function event_time(entry) return tonumber(event_text(entry)) end
local function is_live(entry) return entry and string.find(entry, '^%d+:%-?%d+:') ~= nil end
`;

/**
 * Appends entries to the keys of ONE entity and returns their versions, in order.
 *
 * KEYS: current hash, sequence hash, trimmed hash, then per write its history hash and its
 * timeline. ARGV: history retention, then per write: feature, event time ms, `v` (value) or `d`
 * (deletion marker), payload (empty for a marker).
 *
 * A deletion marker is written only when the key's current entry is a live value; otherwise the
 * write gets version 0 and changes nothing. The script runs atomically, so of several concurrent
 * deletions exactly one finds the value live.
 *
 * The version comes from HINCRBY on the sequence hash, which trimming never touches, so numbering
 * never restarts. The current entry is replaced when the new one supersedes it: a later or equal
 * event time wins, since the new version is always the highest. History beyond the retention is
 * trimmed from the oldest end; the retained versions are contiguous, so HLEN tells where that is.
 * The least and greatest event times ever trimmed are kept per feature in the trimmed hash, as
 * `<min>:<max>`, for {@link AS_OF_SCRIPT}.
 */
export const APPEND_SCRIPT = new RedisScript(`
${LUA_ENTRY}
local retention = tonumber(ARGV[1])
local versions = {}
for i = 1, (#ARGV - 1) / 4 do
  local a = 2 + (i - 1) * 4
  local feature, time, kind, payload = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3]
  local history, timeline = KEYS[2 + 2 * i], KEYS[3 + 2 * i]
  local current = redis.call('HGET', KEYS[1], feature)
  if kind == 'd' and not is_live(current) then
    versions[i] = 0
  else
    local version = redis.call('HINCRBY', KEYS[2], feature, 1)
    local entry = string.format('%d', version) .. ':' .. time
    if kind == 'v' then entry = entry .. ':' .. payload end
    local field = string.format('%0${VERSION_DIGITS}d', version)
    redis.call('HSET', history, field, entry)
    redis.call('ZADD', timeline, time, field)
    if not current or tonumber(time) >= event_time(current) then
      redis.call('HSET', KEYS[1], feature, entry)
    end
    local kept = redis.call('HLEN', history)
    local low, high
    for old = version - kept + 1, version - retention do
      local stale = string.format('%0${VERSION_DIGITS}d', old)
      local trimmed = event_text(redis.call('HGET', history, stale))
      if not low or tonumber(trimmed) < tonumber(low) then low = trimmed end
      if not high or tonumber(trimmed) > tonumber(high) then high = trimmed end
      redis.call('HDEL', history, stale)
      redis.call('ZREM', timeline, stale)
    end
    if low then
      local seen = redis.call('HGET', KEYS[3], feature)
      if seen then
        local seen_low, seen_high = string.match(seen, '^(%-?%d+):(%-?%d+)$')
        if tonumber(seen_low) < tonumber(low) then low = seen_low end
        if tonumber(seen_high) > tonumber(high) then high = seen_high end
      end
      redis.call('HSET', KEYS[3], feature, low .. ':' .. high)
    end
    versions[i] = version
  end
end
return versions
`);

/**
 * The entries of ONE entity in force at several times: per (feature, time) pair, the greatest
 * event time <= the time, ties to the higher version; `0` when there is none; `1` when trimming
 * may have removed the answer.
 *
 * The current entry is the greatest of all, so when it is old enough it is the answer, even if
 * trimming removed it from the history. Otherwise the timeline's last member at or below the time
 * is the best retained candidate (members of equal score sort by their zero-padded version). A
 * trimmed entry could beat it only if one lies in (candidate's time, as-of]; every trimmed time
 * lies in [min, max] of the trimmed hash, and a retained entry beats a trimmed one of equal time
 * (its version is higher). So the candidate stands when as-of < min (nothing trimmed is that old)
 * or its time >= min(as-of, max); else the answer is unknown.
 *
 * KEYS: current hash, trimmed hash, then per pair its timeline and history hash. ARGV: per pair:
 * feature, as-of ms.
 */
export const AS_OF_SCRIPT = new RedisScript(`
${LUA_ENTRY}
local answers = {}
for i = 1, #ARGV / 2 do
  local feature, as_of_text = ARGV[2 * i - 1], ARGV[2 * i]
  local timeline, history = KEYS[1 + 2 * i], KEYS[2 + 2 * i]
  local as_of = tonumber(as_of_text)
  local current = redis.call('HGET', KEYS[1], feature)
  local answer = 0
  if current then
    if event_time(current) <= as_of then
      answer = current
    else
      local field = redis.call('ZREVRANGEBYSCORE', timeline, as_of_text, '-inf', 'LIMIT', 0, 1)[1]
      local found = field and redis.call('HGET', history, field)
      if found then answer = found end
      local trimmed = redis.call('HGET', KEYS[2], feature)
      if trimmed then
        local low, high = string.match(trimmed, '^(%-?%d+):(%-?%d+)$')
        if as_of >= tonumber(low) and not (found and event_time(found) >= math.min(as_of, tonumber(high))) then
          answer = 1
        end
      end
    end
  end
  answers[i] = answer
end
return answers
`);

/**
 * Commits catalog records all or nothing (see `StoreBackend.commitCatalog`). Each catalog hash
 * maps a name to the JSON list of its versions' bodies. Returns, per record, the body stored
 * under its key now, or nil for a free key when a conflict stored nothing.
 *
 * KEYS: the catalog hash of each kind used. ARGV: per record: index into KEYS (1-based), name,
 * version, body.
 */
export const COMMIT_CATALOG_SCRIPT = new RedisScript(`
local n = #ARGV / 4
local function versions_of(key, name)
  local list = redis.call('HGET', key, name)
  if list then return cjson.decode(list) end
  return {}
end
local found, conflict = {}, false
for i = 1, n do
  local a = (i - 1) * 4
  local body = versions_of(KEYS[tonumber(ARGV[a + 1])], ARGV[a + 2])[tonumber(ARGV[a + 3])]
  found[i] = body or false
  if body and body ~= ARGV[a + 4] then conflict = true end
end
if conflict then return found end
for i = 1, n do
  if not found[i] then
    local a = (i - 1) * 4
    local key, name = KEYS[tonumber(ARGV[a + 1])], ARGV[a + 2]
    local versions = versions_of(key, name)
    versions[tonumber(ARGV[a + 3])] = ARGV[a + 4]
    redis.call('HSET', key, name, cjson.encode(versions))
    found[i] = ARGV[a + 4]
  end
end
return found
`);

/**
 * The batch read of current entries in one call: for each entity's current hash, the HMGET of
 * every feature name (in slices, as Lua's unpack limits the arguments of one call), answered as
 * one text per entity: the entries in the order of the names, joined by newlines, an empty line
 * where a key has no entry. An entry never holds a newline (its payload is JSON from the codec,
 * which escapes control characters), so the client splits the text back exactly. One script call
 * instead of a pipeline of one HMGET per entity costs the client one command to build, and one
 * string per entity instead of one per value to parse. Its keys span several entities' hash
 * tags, which a single Redis server runs as one call; the cluster backend reads with a pipeline
 * of HMGETs per master instead.
 *
 * KEYS: each entity's current hash. ARGV: the feature names.
 */
export const READ_CURRENT_SCRIPT = new RedisScript(`
local names = #ARGV
local out = {}
for i = 1, #KEYS do
  local row
  if names <= 1000 then
    row = redis.call('HMGET', KEYS[i], unpack(ARGV))
  else
    row = {}
    for first = 1, names, 1000 do
      local part = redis.call('HMGET', KEYS[i], unpack(ARGV, first, math.min(first + 999, names)))
      for j = 1, #part do row[first + j - 1] = part[j] end
    end
  end
  for j = 1, names do
    if not row[j] then row[j] = '' end
  end
  out[i] = table.concat(row, '\\n')
end
return out
`);

/**
 * Moves definitions and groups of the layout before the catalog (hashes of name -> body) into
 * the catalog as version 1, once: a namespace that has no old hashes is left alone.
 *
 * KEYS: old definitions hash, old groups hash, feature catalog hash, group catalog hash.
 */
export const MIGRATE_CATALOG_SCRIPT = new RedisScript(`
for i = 1, 2 do
  local old = redis.call('HGETALL', KEYS[i])
  for j = 1, #old, 2 do
    redis.call('HSETNX', KEYS[i + 2], old[j], cjson.encode({ old[j + 1] }))
  end
  redis.call('DEL', KEYS[i])
end
return 0
`);
