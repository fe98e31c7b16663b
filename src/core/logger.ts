import { type DestinationStream, pino } from "pino";
import pinoPretty from "pino-pretty";

/** The levels the logger takes, quietest last (`silent` logs nothing). */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

function isLogLevel(level: string | undefined): level is LogLevel {
  return LOG_LEVELS.some((known) => known === level);
}

const requested = process.env.FEATURESTORE_LOG_LEVEL;

/**
 * Where the lines go: stderr, as JSON lines for a collector, or as readable coloured lines
 * when stderr is a terminal (a person watching). Synchronous either way, so the last lines
 * before an exit are not lost.
 */
function destination(): DestinationStream {
  if (process.stderr.isTTY) return pinoPretty({ destination: 2, sync: true, colorize: true });
  return pino.destination(2);
}

/**
 * The structured logger (pino, on stderr: JSON lines, or pretty ones on a terminal). The level
 * comes from `FEATURESTORE_LOG_LEVEL` (default `info`; the test setup sets `silent`). An unknown
 * level leaves it at `info` instead of throwing while the module loads, which would kill any
 * program importing the library with a stack trace; the server refuses such a level with a
 * plain message when it reads its settings. A request's lines carry its `requestId` when written
 * with the request's child logger (the GraphQL context's `log`); this one adds no request id.
 */
export const logger = pino(
  {
    name: "featurestore",
    level: isLogLevel(requested) ? requested : "info",
  },
  destination(),
);
