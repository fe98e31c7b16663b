import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { FeatureValue } from "../../src/core/models.js";
import { FeatureEvents } from "../../src/graphql/events.js";
import { createFeaturePubSub } from "../../src/store/changes/change-feed.js";

/** A logger whose JSON lines land in `lines`. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines };
}

function written(entityId: string): FeatureValue {
  return { featureName: "age", entityId, value: 31, version: 1, timestamp: new Date(0), ageSeconds: 0 };
}

const TOO_SLOW = "a subscriber fell too far behind: its stream is ended";

describe("FeatureEvents", () => {
  it("logs a stream a write overflows with the writing request's logger, and only that write's", async () => {
    const events = new FeatureEvents(createFeaturePubSub(), { maxQueuedEvents: 1 });
    const { log, lines } = capturingLogger();
    const first = events.changes();
    events.publishWrites([written("u-1"), written("u-2")], log.child({ requestId: "writer-1" }));
    const second = events.changes();
    events.publishWrites([written("u-3")], log.child({ requestId: "writer-2" }));
    events.publishDeletion("age", "u-3", log.child({ requestId: "deleter-1" }));

    expect(lines.filter((line) => line.msg === TOO_SLOW).map((line) => line.requestId)).toEqual([
      "writer-1",
      "deleter-1",
    ]);
    // Each overflowed stream ends with the coded error.
    for (const stream of [first, second]) {
      await expect(stream.next()).rejects.toMatchObject({ extensions: { code: "SUBSCRIBER_TOO_SLOW" } });
    }
    events.close();
  });
});
