import { pino } from "pino";

/** The levels the logger takes, quietest last (`silent` logs nothing). */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

function isLogLevel(level: string | undefined): level is LogLevel {
  return LOG_LEVELS.some((known) => known === level);
}

const requested = process.env.FEATURESTORE_LOG_LEVEL;

/**
 * The structured logger (pino, JSON lines on stderr). The level comes from
 * `FEATURESTORE_LOG_LEVEL` (default `info`; the test setup sets `silent`). An unknown level
 * leaves it at `info` instead of throwing while the module loads, which would kill any program
 * importing the library with a stack trace; the server refuses such a level with a plain
 * message when it reads its settings.
 */
export const logger = pino(
  { name: "featurestore", level: isLogLevel(requested) ? requested : "info" },
  pino.destination(2),
);
