/**
 * The server process of the HTTP benchmark, started by `startServerProcess`: the real server
 * (`startServer` with the configuration `readServerConfig` reads from its flags), seeded with
 * the benchmark data set through the same store, reporting over the IPC channel.
 */
import { startServer } from "../../src/server.js";
import { readServerConfig } from "../../src/server-config.js";
import { FeatureService } from "../../src/service.js";
import { answerControl, failed, tell } from "./child-control.js";
import { seed } from "./dataset.js";

async function main(): Promise<void> {
  const config = readServerConfig(process.env, process.argv.slice(2));
  const running = await startServer(config);
  answerControl(() => running.stop());
  await seed(new FeatureService(running.store), Number(process.env.BENCH_SERVER_ENTITIES ?? 1000));
  tell({ type: "ready", url: running.url, pid: process.pid });
}

main().catch(failed);
