import { describe, expect, it } from "vitest";
import { SubscriberQueue } from "../../src/graphql/subscriber-queue.js";

function queue(maxQueued: number) {
  const ended: string[] = [];
  const q = new SubscriberQueue<number>({
    maxQueued,
    overflow: () => new Error("too slow"),
    onEnd: () => ended.push("end"),
  });
  return { q, ended };
}

describe("SubscriberQueue", () => {
  it("yields what was pushed, in order, and hands an item straight to a waiting reader", async () => {
    const { q } = queue(10);
    const waiting = q.next();
    q.push(1);
    expect(await waiting).toEqual({ done: false, value: 1 });
    q.push(2);
    q.push(3);
    expect(q.length).toBe(2);
    expect(await q.next()).toEqual({ done: false, value: 2 });
    expect(await q.next()).toEqual({ done: false, value: 3 });
  });

  it("keeps order across many items read after they were all queued", async () => {
    const { q } = queue(100_000);
    for (let i = 0; i < 50_000; i++) q.push(i);
    const read: number[] = [];
    for (let i = 0; i < 50_000; i++) read.push((await q.next()).value as number);
    expect(read).toEqual(Array.from({ length: 50_000 }, (_, i) => i));
    expect(q.length).toBe(0);
  });

  it("ends with the overflow error once, drops what was queued, and ignores later pushes", async () => {
    const { q, ended } = queue(3);
    for (let i = 0; i < 4; i++) q.push(i);
    expect(q.done).toBe(true);
    expect(q.length).toBe(0);
    expect(ended).toEqual(["end"]);
    await expect(q.next()).rejects.toThrow("too slow");
    q.push(9);
    expect(await q.next()).toEqual({ done: true, value: undefined });
    expect(ended).toEqual(["end"]);
  });

  it("ends at once on return(), even with a reader waiting, and runs onEnd once", async () => {
    const { q, ended } = queue(3);
    const waiting = q.next();
    await q.return();
    expect(await waiting).toEqual({ done: true, value: undefined });
    await q.return();
    q.end(new Error("late"));
    expect(ended).toEqual(["end"]);
    expect(await q.next()).toEqual({ done: true, value: undefined });
  });

  it("ends a waiting reader with the error end() is given", async () => {
    const { q } = queue(3);
    const waiting = q.next();
    q.end(new Error("closed"));
    await expect(waiting).rejects.toThrow("closed");
  });
});
