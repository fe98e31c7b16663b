import { useEffect, useState } from "preact/hooks";
import type { TypedDocumentString } from "../generated/graphql";
import { ApiError, graphqlRequest } from "./graphql-request";
import { onTokenChange } from "./token";

/** Where a query stands: what the views draw their loading, error and data states from. */
export type QueryState<R> =
  | { readonly status: "loading" }
  | { readonly status: "error"; readonly error: ApiError }
  | { readonly status: "ok"; readonly data: R };

/**
 * Runs a typed query when the view mounts and again whenever its variables change or the
 * person gives a new token; an answer that arrives after the variables moved on is dropped.
 * Pass `null` as variables to wait (nothing to ask yet); change `refreshKey` to ask again.
 */
export function useQuery<R, V>(
  document: TypedDocumentString<R, V>,
  variables: V | null,
  refreshKey = 0,
): QueryState<R> {
  const [state, setState] = useState<QueryState<R>>({ status: "loading" });
  const [tokenVersion, setTokenVersion] = useState(0);
  useEffect(() => onTokenChange(() => setTokenVersion((n) => n + 1)), []);
  const key = variables === null ? null : JSON.stringify(variables);
  // The variables are compared by their JSON, not by identity.
  useEffect(() => {
    if (variables === null) return;
    const controller = new AbortController();
    // A refresh keeps the answer on screen until the new one arrives.
    setState((previous) => (previous.status === "ok" && refreshKey > 0 ? previous : { status: "loading" }));
    graphqlRequest(document, variables, controller.signal).then(
      (data) => setState({ status: "ok", data }),
      (err: unknown) => {
        if (controller.signal.aborted) return;
        setState({
          status: "error",
          error: err instanceof ApiError ? err : new ApiError(String(err), undefined, 0),
        });
      },
    );
    return () => controller.abort();
  }, [document, key, tokenVersion, refreshKey]);
  return state;
}
