import { Option } from "commander";
import { DEFAULT_STORE_URL } from "../server-config.js";

/**
 * The `--store-url` option of the commands that open a store themselves (`import`,
 * `training-set`): the same variable and default as the server's, so a command run beside a
 * server reaches the same store.
 */
export function storeUrlOption(): Option {
  return new Option("--store-url <url>", "store URL").env("FEATURESTORE_URL").default(DEFAULT_STORE_URL);
}
