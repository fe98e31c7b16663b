import type { TypedDocumentString } from "../generated/graphql";
import { readToken } from "./token";

/** Where the API is: the same server that serves the explorer. */
export const GRAPHQL_URL = "/graphql";

/** A request the API refused or could not answer, with the API's error code when it gave one. */
export class ApiError extends Error {
  constructor(
    message: string,
    /** `extensions.code` of the first error, such as UNAUTHENTICATED or FEATURE_NOT_FOUND. */
    readonly code: string | undefined,
    /** The HTTP status; 0 when the server could not be reached. */
    readonly status: number,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

interface GraphQLResponse<R> {
  data?: R | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** The headers of every API request: JSON both ways, and the token when there is one. */
export function apiHeaders(accept: string): Record<string, string> {
  const token = readToken();
  return {
    "content-type": "application/json",
    accept,
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  };
}

/**
 * Runs one typed operation over POST (a JSON body, which the server's CSRF check accepts).
 * Any error in the answer rejects: the views show a whole answer or an error, never half.
 * @throws ApiError
 */
export async function graphqlRequest<R, V>(
  document: TypedDocumentString<R, V>,
  variables: V,
  signal?: AbortSignal,
): Promise<R> {
  let response: Response;
  try {
    response = await fetch(GRAPHQL_URL, {
      method: "POST",
      headers: apiHeaders("application/graphql-response+json, application/json"),
      body: JSON.stringify({ query: document.toString(), variables }),
      signal,
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError("The server cannot be reached.", undefined, 0);
  }
  let body: GraphQLResponse<R>;
  try {
    body = (await response.json()) as GraphQLResponse<R>;
  } catch {
    throw new ApiError(`The server answered ${response.status} without GraphQL.`, undefined, response.status);
  }
  const first = body.errors?.[0];
  if (first) throw new ApiError(first.message, first.extensions?.code, response.status);
  if (!response.ok || body.data == null) {
    throw new ApiError(`The server answered ${response.status}.`, undefined, response.status);
  }
  return body.data;
}
