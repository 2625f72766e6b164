import type { StepRecord } from "../../api/types";
import { ServerAnswer } from "../../shared/ServerAnswer";

/** Why the side issued no token: the server's answer (status, error, error_description), or the
 * step's own error when nothing came back. */
export function Refusal({ record }: { record: StepRecord | null }) {
  const response = record?.response ?? null;
  return (
    <div className="compare-refusal" aria-label="Refusal">
      <p className="compare-refusal__title">
        <strong>Refused</strong>: no token was issued.
      </p>
      {response ? <ServerAnswer response={response} className="compare-refusal__response" /> : null}
      {record?.error ? <p className="compare-refusal__error">{record.error}</p> : null}
      {!record ? <p className="muted">The step did not run.</p> : null}
      <p className="mono compare-refusal__act" data-testid="compare-act">
        no act (no token)
      </p>
    </div>
  );
}
