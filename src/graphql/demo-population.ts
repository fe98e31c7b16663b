import { seededRandom } from "../core/seeded-random.js";
import type { FeatureService } from "../service.js";

/*
 * The demo's crowd: a few hundred users and a hundred items with five weeks of history, beside
 * the handful of hand-written entities of demo-data.ts (whose values the examples and tests
 * quote, and which this module never writes). Generated from a fixed seed, so every load is
 * the same data relative to its `now`. It holds every value type, and features a person should
 * notice in the explorer: `churn_score`, whose nightly job stopped ten days ago (every value
 * past its 3-day TTL), `clicks_7d` stale for the users who went quiet, `is_premium` set for a
 * quarter of the users (the rest are served the default).
 */

const DAY_MS = 86_400_000;
/** Days of history before `now`. */
const HISTORY_DAYS = 35;
/** Users user-6 .. user-300 and items item-4 .. item-120: the hand-written ones come first. */
const FIRST_USER = 6;
const LAST_USER = 300;
const FIRST_ITEM = 4;
const LAST_ITEM = 120;
/** The day (days before now) the churn model's nightly job last ran. */
const CHURN_JOB_STOPPED_DAY = 10;

const COUNTRIES = ["US", "DE", "FR", "GB", "BR", "IN", "JP", "NL", "ES", "CA"];
const COUNTRY_WEIGHTS = [30, 12, 10, 10, 8, 9, 6, 5, 5, 5];
const CATEGORIES = ["books", "electronics", "garden", "music", "toys", "sports", "kitchen", "fashion"];
const SEARCHES = [
  "wireless headphones",
  "running shoes size 42",
  "gift ideas for dad",
  "espresso machine",
  "garden hose 30m",
  "sci-fi paperback",
  "usb-c charger",
  "yoga mat",
  "lego technic",
  "winter jacket",
  "cast iron pan",
  "vinyl record player",
];

/** A day's writes: the records written at one event time. */
interface DayBatch {
  eventTime: Date;
  records: Record<string, unknown>[];
}

interface Crowd {
  batches: DayBatch[];
  values: number;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Builds the crowd's writes, one batch per day (and one for the profiles), oldest first. */
function buildCrowd(now: number): Crowd {
  const random = seededRandom(20_240_501);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const weighted = <T>(items: readonly T[], weights: readonly number[]): T => {
    const total = weights.reduce((a, b) => a + b, 0);
    let r = random() * total;
    for (let i = 0; i < items.length; i++) {
      r -= weights[i] ?? 0;
      if (r <= 0) return items[i] as T;
    }
    return items[items.length - 1] as T;
  };
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  // Each day's batch is written mid-afternoon of that day, and today's an hour ago.
  const days: DayBatch[] = Array.from({ length: HISTORY_DAYS + 1 }, (_, i) => {
    const daysAgo = HISTORY_DAYS - i;
    return { eventTime: new Date(now - daysAgo * DAY_MS - (daysAgo === 0 ? 3_600_000 : 0)), records: [] };
  });
  const recordFor = (daysAgo: number, id: string): Record<string, unknown> => {
    const day = days[HISTORY_DAYS - daysAgo] as DayBatch;
    let record = day.records.find((r) => r.id === id);
    if (!record) {
      record = { id };
      day.records.push(record);
    }
    return record;
  };
  let values = 0;
  const write = (daysAgo: number, id: string, feature: string, value: unknown) => {
    recordFor(daysAgo, id)[feature] = value;
    values++;
  };

  for (let n = FIRST_USER; n <= LAST_USER; n++) {
    const id = `user-${n}`;
    const joinedDaysAgo = HISTORY_DAYS - Math.floor(random() * 6);
    write(joinedDaysAgo, id, "age", 18 + Math.floor(random() * 58));
    write(joinedDaysAgo, id, "country", weighted(COUNTRIES, COUNTRY_WEIGHTS));
    const signup = new Date(Date.UTC(2019, 0, 1) + random() * (now - DAY_MS * 40 - Date.UTC(2019, 0, 1)));
    write(joinedDaysAgo, id, "signup_date", signup.toISOString());
    if (random() < 0.25) write(joinedDaysAgo, id, "is_premium", random() < 0.8);
    if (random() < 0.05) write(Math.floor(random() * 20), id, "country", pick(COUNTRIES));

    // Activity every two to four days; about one user in six went quiet 8 to 20 days ago.
    const quietSince = random() < 0.16 ? 8 + Math.floor(random() * 12) : 0;
    const engagement = 0.4 + random() * 2;
    let clicks = Math.floor(random() * 40 * engagement);
    let daysAgo = joinedDaysAgo - Math.floor(random() * 3);
    while (daysAgo >= quietSince) {
      clicks = Math.max(0, Math.round(clicks + gaussian() * 6 * engagement));
      write(daysAgo, id, "clicks_7d", clicks);
      write(daysAgo, id, "sessions_30d", Math.max(1, Math.round(clicks / 2 + random() * 10)));
      write(daysAgo, id, "avg_session_minutes", round(2 + random() * 12 * engagement, 2));
      write(
        daysAgo,
        id,
        "last_seen_at",
        new Date(days[HISTORY_DAYS - daysAgo]?.eventTime ?? now).toISOString(),
      );
      if (random() < 0.3) {
        const count = 1 + Math.floor(random() * 3);
        write(daysAgo, id, "recent_categories", [
          ...new Set(Array.from({ length: count }, () => pick(CATEGORIES))),
        ]);
      }
      if (random() < 0.25) write(daysAgo, id, "last_search", pick(SEARCHES));
      daysAgo -= 2 + Math.floor(random() * 3);
    }

    // The churn model scored every user every other night until its job stopped.
    let churn = random() * 0.6;
    for (let d = HISTORY_DAYS - 1; d >= CHURN_JOB_STOPPED_DAY; d -= 2) {
      churn = Math.min(1, Math.max(0, churn + gaussian() * 0.05));
      write(d, id, "churn_score", round(churn, 4));
    }
  }

  for (let n = FIRST_ITEM; n <= LAST_ITEM; n++) {
    const id = `item-${n}`;
    const category = pick(CATEGORIES);
    const listedDaysAgo = HISTORY_DAYS - Math.floor(random() * 10);
    const scale = 0.5 + random() * 1.5;
    write(
      listedDaysAgo,
      id,
      "item_embedding",
      Array.from({ length: 4 }, () => round(gaussian() * scale * 0.5, 4)),
    );
    if (random() < 0.9) write(listedDaysAgo, id, "item_category", category);
    let price = Math.exp(1.5 + random() * 4);
    for (let d = listedDaysAgo; d >= 0; d -= 7) {
      write(d, id, "item_price", round(price, 2));
      price *= 1 + gaussian() * 0.06;
    }
  }
  return { batches: days.filter((day) => day.records.length > 0), values };
}

/**
 * Writes the crowd's users' and items' five weeks of history, one batch per day. Call after
 * `loadDemoData`, which applies the demo's definitions (`user_signals`, the group only the crowd
 * fills, among them).
 * @param onProgress told after each day's batch: batches done and in all.
 * @returns how many values it wrote.
 */
export async function loadDemoPopulation(
  service: FeatureService,
  now = Date.now(),
  onProgress?: (done: number, total: number) => void,
): Promise<number> {
  const { batches, values } = buildCrowd(now);
  let done = 0;
  for (const batch of batches) {
    await service.ingestBatch(batch.records, "id", { eventTime: batch.eventTime });
    onProgress?.(++done, batches.length);
  }
  return values;
}
