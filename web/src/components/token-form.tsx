import { useState } from "preact/hooks";
import { readToken, saveToken } from "../api/token";

/**
 * Asks for the API's bearer token. A server with a read token refuses every GraphQL request
 * without one; the explorer's own files need none. The token is kept for this tab only.
 */
export function TokenForm({ onDone }: { onDone?: () => void }) {
  const [token, setToken] = useState(readToken() ?? "");
  return (
    <form
      class="token-form"
      onSubmit={(event) => {
        event.preventDefault();
        saveToken(token);
        onDone?.();
      }}
    >
      <label for="api-token">API token</label>
      <input
        id="api-token"
        type="password"
        autoComplete="off"
        value={token}
        onInput={(event) => setToken(event.currentTarget.value)}
        placeholder="The server's read or write token"
      />
      <button type="submit">Use token</button>
      <p class="hint">Kept in this tab only (sessionStorage) and sent as a bearer token to /graphql.</p>
    </form>
  );
}
