import { pino } from "pino";

/**
 * The structured logger (pino, JSON lines on stderr). The level comes from
 * `FEATURESTORE_LOG_LEVEL` (default `info`; the test setup sets `silent`).
 */
export const logger = pino(
  { name: "featurestore", level: process.env.FEATURESTORE_LOG_LEVEL ?? "info" },
  pino.destination(2),
);
