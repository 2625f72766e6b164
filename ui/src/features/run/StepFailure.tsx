import type { StepRecord } from "../../api/types";
import { ServerAnswer } from "../../shared/ServerAnswer";
import { StepAttempts } from "./StepAttempts";

/** Why a step did not pass, where the user is looking: its error, the assertions that did not
 * hold, and what the server answered. */
export function StepFailure({ record }: { record: StepRecord }) {
  if (record.status === "passed") return <StepAttempts record={record} />;
  const failed = record.assertions.filter((a) => !a.passed);
  const response = record.response;
  return (
    <div className="step-failure">
      {record.error ? <p className="step-failure__error">{record.error}</p> : null}
      <StepAttempts record={record} />
      {failed.length > 0 ? (
        <ul className="step-failure__assertions" aria-label="Failed assertions">
          {failed.map((a, i) => (
            <li key={i}>{a.message}</li>
          ))}
        </ul>
      ) : null}
      {response ? <ServerAnswer response={response} className="step-failure__response" label="Server response" /> : null}
    </div>
  );
}
