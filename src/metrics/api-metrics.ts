import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { StoreObserver } from "../store/store-observers.js";
import { OperationLabels } from "./operation-label.js";

/** The prefix of every metric the API exports. */
export const METRIC_PREFIX = "featurestore_";

/** Request latency buckets, in seconds: from a cached read to a long import. */
const REQUEST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Backend call latency buckets, in seconds: in-process calls take microseconds. */
const STORE_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];
/** DataLoader batch sizes: keys per batch. */
const BATCH_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000];

/** An error code kept as a label: upper-case words, as every code here is. */
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,47}$/;

/** How one GraphQL request ended, as {@link ApiMetrics.requestEnded} records it. */
export interface RequestOutcome {
  /** The operation's name, bounded by {@link OperationLabels} here. */
  operationName: string | undefined;
  /** `query`, `mutation`, `subscription`, or `undefined` when the document was never known. */
  operationType: string | undefined;
  /** The error codes of the result (none: a success). */
  errorCodes: readonly string[];
  /** Seconds from arrival to response. */
  seconds: number;
}

/**
 * The metrics of one app, in a registry of its own (never prom-client's global one), so that
 * several apps in one process each count their own requests. Every label value is bounded:
 * operation names by {@link OperationLabels}, error codes by their shape, backends and methods by
 * the code; no entity id or feature name is ever a label.
 */
export class ApiMetrics {
  /** The registry `/metrics` renders. */
  readonly registry = new Registry();
  private readonly operations: OperationLabels;
  private readonly requests: Counter<"operation" | "type" | "outcome">;
  private readonly requestSeconds: Histogram<"operation" | "type">;
  private readonly errors: Counter<"code">;
  private readonly storeCallSeconds: Histogram<"backend" | "method">;
  private readonly storeCallErrors: Counter<"backend" | "method">;
  private readonly valuesWritten: Counter;
  private readonly batchSizes: Histogram<"loader">;
  private readonly eventsDropped: Counter;

  /**
   * @param openSubscriptions read at each scrape: how many subscriptions are open.
   * @param maxOperationNames most distinct operation names labelled; later ones share `(other)`.
   */
  constructor(openSubscriptions: () => number, maxOperationNames?: number) {
    const registers = [this.registry];
    this.operations = new OperationLabels(maxOperationNames);
    // Unprefixed, as dashboards for Node processes expect (process_cpu_seconds_total, ...).
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: `${METRIC_PREFIX}graphql_requests_total`,
      help: "GraphQL requests by operation name, type and outcome (success or error)",
      labelNames: ["operation", "type", "outcome"],
      registers,
    });
    this.requestSeconds = new Histogram({
      name: `${METRIC_PREFIX}graphql_request_duration_seconds`,
      help: "Time from a GraphQL request's arrival to its response, by operation",
      labelNames: ["operation", "type"],
      buckets: REQUEST_BUCKETS,
      registers,
    });
    this.errors = new Counter({
      name: `${METRIC_PREFIX}graphql_errors_total`,
      help: "Errors in GraphQL results, by code",
      labelNames: ["code"],
      registers,
    });
    this.storeCallSeconds = new Histogram({
      name: `${METRIC_PREFIX}store_call_duration_seconds`,
      help: "Backend calls of the store and their latency, by backend and method",
      labelNames: ["backend", "method"],
      buckets: STORE_BUCKETS,
      registers,
    });
    this.storeCallErrors = new Counter({
      name: `${METRIC_PREFIX}store_call_errors_total`,
      help: "Backend calls of the store that failed, by backend and method",
      labelNames: ["backend", "method"],
      registers,
    });
    this.valuesWritten = new Counter({
      name: `${METRIC_PREFIX}values_written_total`,
      help: "Feature values stored",
      registers,
    });
    this.batchSizes = new Histogram({
      name: `${METRIC_PREFIX}dataloader_batch_size`,
      help: "Keys per DataLoader batch, by loader (vectors, group, definition)",
      labelNames: ["loader"],
      buckets: BATCH_BUCKETS,
      registers,
    });
    new Gauge({
      name: `${METRIC_PREFIX}subscriptions_open`,
      help: "Subscriptions open now",
      registers,
      collect() {
        this.set(openSubscriptions());
      },
    });
    this.eventsDropped = new Counter({
      name: `${METRIC_PREFIX}subscription_events_dropped_total`,
      help: "Changes dropped because a subscriber fell too far behind (its stream was ended)",
      registers,
    });
  }

  /** Counts one GraphQL request and its errors. */
  requestEnded(outcome: RequestOutcome): void {
    const operation = this.operations.label(outcome.operationName);
    const type = outcome.operationType ?? "unknown";
    this.requests.inc({ operation, type, outcome: outcome.errorCodes.length === 0 ? "success" : "error" });
    this.requestSeconds.observe({ operation, type }, outcome.seconds);
    for (const code of outcome.errorCodes) this.errors.inc({ code: ERROR_CODE.test(code) ? code : "OTHER" });
  }

  /** Records the size of one DataLoader batch. */
  batch(loader: "vectors" | "group" | "definition", size: number): void {
    this.batchSizes.observe({ loader }, size);
  }

  /** Counts changes a slow subscriber did not get. */
  eventsDroppedBy(count: number): void {
    this.eventsDropped.inc(count);
  }

  /** What the store reports to these metrics (see `FeatureStore.observe`). */
  readonly storeObserver: StoreObserver = {
    backendCall: (backend, method, seconds, ok) => {
      this.storeCallSeconds.observe({ backend, method }, seconds);
      if (!ok) this.storeCallErrors.inc({ backend, method });
    },
    valuesWritten: (count) => this.valuesWritten.inc(count),
  };
}
