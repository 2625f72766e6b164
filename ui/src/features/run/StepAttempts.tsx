import type { StepRecord } from "../../api/types";

/** Whether a step has anything the outage view adds: what a lab step changed, an expected
 * outage, or the tries of a step that retried. */
export const hasAttemptNotes = (r: StepRecord) =>
  (r.lab_changes?.length ?? 0) > 0 || (r.attempts?.length ?? 0) > 1 || (r.unreachable === true && r.status === "passed");

/** What a lab step changed, an outage the step expected, and each try of a retried step with its
 * timing, in words. */
export function StepAttempts({ record }: { record: StepRecord }) {
  if (!hasAttemptNotes(record)) return null;
  const attempts = record.attempts ?? [];
  return (
    <div className="step-attempts">
      {(record.lab_changes?.length ?? 0) > 0 ? (
        <ul aria-label="What the step changed in the lab">
          {record.lab_changes!.map((c) => (
            <li key={c}>lab: {c}</li>
          ))}
        </ul>
      ) : null}
      {record.unreachable && record.status === "passed" ? (
        <p className="step-attempts__outage">No answer, as the step expected: {record.error}</p>
      ) : null}
      {attempts.length > 1 ? (
        <ol aria-label="Attempts">
          {attempts.map((a, i) => (
            <li key={i} data-testid="step-attempt">
              {a.waited_ms > 0 ? `after waiting ${a.waited_ms} ms: ` : ""}
              {a.status === null ? "no answer" : `HTTP ${a.status}`}
              {a.error ? ` (${a.error})` : ""} in {a.elapsed_ms} ms
            </li>
          ))}
        </ol>
      ) : null}
    </div>
  );
}
