import type { StepRecord } from "../../api/types";

/** Why the side issued no token: the server's answer (status, error, error_description), or the
 * step's own error when nothing came back. */
export function Refusal({ record }: { record: StepRecord | null }) {
  const response = record?.response ?? null;
  const outcome = response?.outcome;
  return (
    <div className="compare-refusal" aria-label="Refusal">
      <p className="compare-refusal__title">
        <strong>Refused</strong>: no token was issued.
      </p>
      {response ? (
        <dl className="compare-refusal__response">
          <dt>HTTP status</dt>
          <dd>{response.status}</dd>
          {outcome?.kind === "error" ? (
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
          {outcome?.kind === "unreadable" ? (
            <>
              <dt>body</dt>
              <dd>
                {outcome.problem.replace(/_/g, " ")}: <code>{outcome.preview}</code>
              </dd>
            </>
          ) : null}
        </dl>
      ) : null}
      {record?.error ? <p className="compare-refusal__error">{record.error}</p> : null}
      {!record ? <p className="muted">The step did not run.</p> : null}
      <p className="mono compare-refusal__act" data-testid="compare-act">
        no act (no token)
      </p>
    </div>
  );
}
