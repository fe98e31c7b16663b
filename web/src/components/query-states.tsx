import type { ComponentChildren } from "preact";
import type { ApiError } from "../api/graphql-request";
import { TokenForm } from "./token-form";

/** A placeholder with the shape of what is coming, announced to screen readers. */
export function Loading({ label }: { label: string }) {
  return (
    <div class="state state-loading" role="status" aria-live="polite" aria-busy="true">
      <span class="spinner" aria-hidden="true" />
      <span>{label}…</span>
      <div class="skeleton" aria-hidden="true">
        <span />
        <span />
        <span />
      </div>
    </div>
  );
}

/** Nothing to show, said plainly, with what to do about it. */
export function Empty({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="state state-empty" role="status">
      <p class="state-title">{title}</p>
      {children}
    </div>
  );
}

/** What went wrong, in the API's words; a form for the token when the API asked for one. */
export function ErrorState({ error, what }: { error: ApiError; what: string }) {
  const unauthenticated = error.code === "UNAUTHENTICATED";
  return (
    <div class="state state-error" role="alert">
      <p class="state-title">
        {unauthenticated ? "This server needs an API token." : `Could not load ${what}.`}
      </p>
      <p>
        {error.message}
        {error.code && <code class="error-code">{error.code}</code>}
      </p>
      {unauthenticated ? (
        <TokenForm />
      ) : (
        <button type="button" onClick={() => location.reload()}>
          Try again
        </button>
      )}
    </div>
  );
}
