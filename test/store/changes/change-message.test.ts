import { describe, expect, it } from "vitest";
import { decodeChange, encodeChange } from "../../../src/store/changes/change-message.js";
import { written } from "./change-feed-suite.js";

describe("a change as a message", () => {
  it("carries the value and its event time when the message fits, and ages it on arrival", () => {
    const value = written("user-1", 4, { a: [1, "two"], "\u0000": true, none: null });
    const message = encodeChange({ featureName: "score", entityId: "user-1", version: 4, value }, 1000);
    expect(message).toBeDefined();
    const decoded = decodeChange(message as string, value.timestamp.getTime() + 2500);
    expect(decoded).toEqual({
      featureName: "score",
      entityId: "user-1",
      version: 4,
      value: { ...value, ageSeconds: 2.5 },
    });
  });

  it("drops the value, keeping key and version, when the message would pass the limit in UTF-8 bytes", () => {
    // 300 characters, 900 bytes: the limit counts bytes, as PostgreSQL's NOTIFY does.
    const value = written("user-1", 2, "€".repeat(300));
    const change = { featureName: "score", entityId: "user-1", version: 2, value };
    const full = encodeChange(change, 10_000) as string;
    expect(encodeChange(change, Buffer.byteLength(full))).toBe(full);
    const bare = encodeChange(change, Buffer.byteLength(full) - 1) as string;
    expect(decodeChange(bare)).toEqual({ featureName: "score", entityId: "user-1", version: 2 });
  });

  it("gives up on a change whose key alone passes the limit", () => {
    expect(encodeChange({ featureName: "score", entityId: "e".repeat(100) }, 50)).toBeUndefined();
  });

  it("rejects text that is not a change", () => {
    for (const text of [
      "",
      "null",
      "[]",
      '"text"',
      '{"featureName":"f"}',
      '{"featureName":"f","entityId":2}',
      '{"featureName":"f","entityId":"e","version":0}',
      '{"featureName":"f","entityId":"e","version":1.5}',
      '{"featureName":"f","entityId":"e","version":1,"value":3}',
      '{"featureName":"f","entityId":"e","value":3,"timestamp":1}',
    ]) {
      expect(decodeChange(text), text).toBeUndefined();
    }
  });
});
