import type { StepRecord } from "../../api/types";

/** Why a step did not pass, where the user is looking: its error, the assertions that did not
 * hold, and what the server answered. */
export function StepFailure({ record }: { record: StepRecord }) {
  if (record.status === "passed") return null;
  const failed = record.assertions.filter((a) => !a.passed);
  const response = record.response;
  const outcome = response?.outcome;
  return (
    <div className="step-failure">
      {record.error ? <p className="step-failure__error">{record.error}</p> : null}
      {failed.length > 0 ? (
        <ul className="step-failure__assertions" aria-label="Failed assertions">
          {failed.map((a, i) => (
            <li key={i}>{a.message}</li>
          ))}
        </ul>
      ) : null}
      {response ? (
        <dl className="step-failure__response" aria-label="Server response">
          <dt>status</dt>
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
    </div>
  );
}
