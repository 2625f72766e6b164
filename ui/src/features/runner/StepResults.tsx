import type { StepRecord } from "../../api/types";
import { FromCacheBadge, RepeatResult } from "../latency/RepeatResult";
import { StatusBadge } from "../run/StatusBadge";
import { StepAttempts } from "../run/StepAttempts";

/** A finished scenario's steps: each step's status and error, and every assertion it checked,
 * passed or failed, in the backend's words. */
export function StepResults({ steps }: { steps: readonly StepRecord[] }) {
  return (
    <ol className="runner-steps">
      {steps.map((step) => (
        <li key={step.id} className="runner-steps__step" data-step-result={step.id}>
          <div className="runner-steps__head">
            <span className="runner-steps__name">{step.name}</span> <StatusBadge status={step.status} />
            {step.from_cache ? <FromCacheBadge /> : null}
          </div>
          {step.error && !(step.unreachable && step.status === "passed") ? <p className="runner-steps__error">{step.error}</p> : null}
          <StepAttempts record={step} />
          {step.repeat ? <RepeatResult stats={step.repeat} /> : null}
          {step.assertions.length > 0 ? (
            <ul className="assertions" aria-label={`Assertions of ${step.name}`}>
              {step.assertions.map((a, i) => (
                <li key={i} className={a.passed ? "assertion assertion--passed" : "assertion assertion--failed"} data-passed={a.passed}>
                  <span aria-hidden="true">{a.passed ? "✓" : "✗"}</span>{" "}
                  <span className="visually-hidden">{a.passed ? "passed:" : "failed:"}</span> {a.message}
                </li>
              ))}
            </ul>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
