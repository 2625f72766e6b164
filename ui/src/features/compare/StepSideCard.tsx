import type { StepSide } from "./compareSides";

/** One side's step: its name, the words the collection gives it (notes), and, when it issued no
 * token, why: the server's refusal (error code, description, HTTP status) or the step's error. */
export function StepSideCard({ title, side, notes }: { title: string; side: StepSide; notes: string | null }) {
  const refusal = side.refusal;
  return (
    <section className="token-compare__side" aria-label={title}>
      <h2 className="token-compare__side-title">
        <span className="muted">{title}:</span> {side.stepName}
      </h2>
      <p className="mono muted token-compare__step-id">step {side.stepId}</p>
      {notes ? <p className="token-compare__notes">{notes}</p> : null}
      {side.node ? null : refusal ? (
        <div className="compare-refusal" role="group" aria-label="Refusal">
          <p className="compare-refusal__title">
            <strong>{refusal.status === null ? "No answer" : "Refused"}</strong>: no token was issued.
          </p>
          <dl className="compare-refusal__response">
            {refusal.status !== null ? (
              <>
                <dt>HTTP status</dt>
                <dd>{refusal.status}</dd>
              </>
            ) : null}
            {refusal.error ? (
              <>
                <dt>error</dt>
                <dd>
                  <code>{refusal.error}</code>
                </dd>
              </>
            ) : null}
            {refusal.description ? (
              <>
                <dt>{refusal.error ? "error_description" : "why"}</dt>
                <dd>{refusal.description}</dd>
              </>
            ) : null}
          </dl>
        </div>
      ) : (
        <div className="compare-refusal" role="group" aria-label="No token">
          <p className="compare-refusal__title">
            <strong>No token</strong>: the step {side.record?.status ?? "did not run"}.
          </p>
          {side.record?.error ? <p className="compare-refusal__error">{side.record.error}</p> : null}
        </div>
      )}
    </section>
  );
}
