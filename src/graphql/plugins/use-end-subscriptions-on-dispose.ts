import type { Plugin } from "graphql-yoga";
import type { FeatureEvents } from "../events.js";

/**
 * Ends every subscription stream when the app is disposed (`app.dispose()`, the server's
 * shutdown): a stream never ends by itself, and an open one would hold the shutdown's drain
 * until its timeout.
 */
export function useEndSubscriptionsOnDispose(events: FeatureEvents): Plugin {
  return {
    onDispose() {
      events.close();
    },
  };
}
