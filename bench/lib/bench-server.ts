/**
 * The server process of the HTTP benchmark, started by `startServerProcess`: the real server
 * (`startServer` with the configuration `readServerConfig` reads from its flags), seeded with
 * the benchmark data set through the same store, reporting over the IPC channel.
 */
import { startServer } from "../../src/server.js";
import { readServerConfig } from "../../src/server-config.js";
import { FeatureService } from "../../src/service.js";
import { seed } from "./dataset.js";
import type { ControlMessage, ServerMessage } from "./server-process.js";

function tell(message: ServerMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  if (!process.send) throw new Error("bench-server.ts runs as a child of the HTTP benchmark");
  const config = readServerConfig(process.env, process.argv.slice(2));
  const running = await startServer(config);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    running.stop().then(
      // process.exit, not a natural end: --cpu-prof writes its profile on exit either way,
      // and a connection the load generator left half open must not keep the process alive.
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`[bench-server] stop failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("message", (message: ControlMessage) => {
    if (message.type === "stop") stop();
    else if (message.type === "cpu") {
      const { user, system } = process.cpuUsage();
      tell({ type: "cpu", userMicros: user, systemMicros: system });
    }
  });
  // The benchmark is gone (it crashed or was interrupted): nothing will ever ask this server to stop.
  process.on("disconnect", stop);
  await seed(new FeatureService(running.store), Number(process.env.BENCH_SERVER_ENTITIES ?? 1000));
  tell({ type: "ready", url: running.url, pid: process.pid });
}

main().catch((err: unknown) => {
  const failed: ServerMessage = { type: "failed", message: err instanceof Error ? err.message : String(err) };
  // Exits once the message is out, whatever is still open (a server that listens but was not seeded).
  if (process.send) process.send(failed, () => process.exit(1));
  else process.exit(1);
});
