import type { TokenResponse } from "../api/types";

/** What the server answered to a request that issued no token: its HTTP status, and the OAuth
 * error and description, or why the body could not be read. */
export function ServerAnswer({ response, className, label }: { response: TokenResponse; className: string; label?: string }) {
  const outcome = response.outcome;
  return (
    <dl className={className} aria-label={label}>
      <dt>HTTP status</dt>
      <dd>{response.status}</dd>
      {outcome.kind === "error" ? (
        <>
          <dt>error</dt>
          <dd>
            <code>{outcome.error}</code>
          </dd>
          {outcome.error_description ? (
            <>
              <dt>error_description</dt>
              <dd>{outcome.error_description}</dd>
            </>
          ) : null}
        </>
      ) : null}
      {outcome.kind === "unreadable" ? (
        <>
          <dt>body</dt>
          <dd>
            {outcome.problem.replace(/_/g, " ")}: <code>{outcome.preview}</code>
          </dd>
        </>
      ) : null}
    </dl>
  );
}
