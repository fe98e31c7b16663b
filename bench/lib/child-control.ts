/**
 * The benchmark's side of a server child's IPC channel, shared by the two servers `http.ts`
 * measures (the real one, `bench-server.ts`, and the framework floor, `floor-server.ts`): the
 * child says when it is ready, answers CPU-time questions and stops when asked (or when the
 * benchmark is gone).
 */
import type { ControlMessage, ServerMessage } from "./server-process.js";

/** Sends one message to the benchmark. */
export function tell(message: ServerMessage): void {
  process.send?.(message);
}

/**
 * Answers the benchmark's control messages for the rest of the process's life; `stop` closes the
 * server, after which the process exits (0, or 1 when stopping failed).
 */
export function answerControl(stop: () => Promise<void>): void {
  if (!process.send) throw new Error("a benchmark server runs as a child of the HTTP benchmark");
  let stopping = false;
  const stopOnce = () => {
    if (stopping) return;
    stopping = true;
    stop().then(
      // process.exit, not a natural end: --cpu-prof writes its profile on exit either way,
      // and a connection the load generator left half open must not keep the process alive.
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`[bench server] stop failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("message", (message: ControlMessage) => {
    if (message.type === "stop") stopOnce();
    else if (message.type === "cpu") {
      const { user, system } = process.cpuUsage();
      tell({ type: "cpu", userMicros: user, systemMicros: system });
    }
  });
  // The benchmark is gone (it crashed or was interrupted): nothing will ever ask this server to stop.
  process.on("disconnect", stopOnce);
}

/** Reports a failure to start, then exits once the message is out. */
export function failed(err: unknown): void {
  const message: ServerMessage = {
    type: "failed",
    message: err instanceof Error ? err.message : String(err),
  };
  if (process.send) process.send(message, () => process.exit(1));
  else process.exit(1);
}
