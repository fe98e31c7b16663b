import type { Command, CommandOptions } from "commander";
import { runServer } from "../server.js";
import { addServerOptions, serverConfigFrom } from "../server-config.js";

/**
 * `featurestore serve`: runs the GraphQL API server until SIGTERM or SIGINT. Its options are
 * the server settings (see `SERVER_SETTINGS`), each also read from its environment variable.
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
    await runServer(serverConfigFrom(process.env, flags));
  });
}
