import cluster from "node:cluster";
import type { Command, CommandOptions } from "commander";
import { runCluster } from "../cluster/cluster-primary.js";
import { runWorker } from "../cluster/cluster-worker.js";
import { runServer } from "../server.js";
import { addServerOptions, serverConfigFrom } from "../server-config.js";

/**
 * `featurestore serve`: runs the GraphQL API server until SIGTERM or SIGINT. Its options are
 * the server settings (see `SERVER_SETTINGS`), each also read from its environment variable.
 * With `--workers N` (N > 1) this process is the primary of N worker processes (see `runCluster`),
 * each of which runs this same command.
 */
export function addServeCommand(program: Command, options?: CommandOptions): Command {
  const serve = program
    .command("serve", options)
    .description("serve the GraphQL API over HTTP; SIGTERM or SIGINT drains it and exits 0")
    .addHelpText(
      "after",
      "\nEach option can also be set by its environment variable (env); a flag wins over the environment.",
    );
  return addServerOptions(serve).action(async (flags: Record<string, unknown>) => {
    const config = serverConfigFrom(process.env, flags);
    if (cluster.isWorker) await runWorker(config);
    else if (config.workers > 1) await runCluster(config);
    else await runServer(config);
  });
}
