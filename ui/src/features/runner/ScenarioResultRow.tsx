import { useId, useState } from "react";

import type { ScenarioResult } from "../../api/types";
import { ScenarioStatusBadge } from "./ScenarioStatusBadge";
import { StepResults } from "./StepResults";
import { useSavedRun } from "./useSavedRun";
import type { LiveScenarioStatus } from "./useCollectionRunner";

type Props = {
  name: string;
  status: LiveScenarioStatus;
  /** What the backend answered for this scenario, once the run has ended. */
  result: ScenarioResult | null;
  runId: number | null;
  onOpenRun: (runId: number) => void;
};

const FINISHED: ReadonlySet<LiveScenarioStatus> = new Set(["passed", "failed", "error"]);

/** One scenario of a collection run: its status, a link to its saved run, and on demand (at once
 * when it did not pass) every step's assertions and errors. */
export function ScenarioResultRow({ name, status, result, runId, onOpenRun }: Props) {
  const [toggled, setToggled] = useState<boolean | null>(null);
  const detailsId = useId();
  const finished = FINISHED.has(status);
  // Mid-run, a finished scenario's details come from its saved run.
  const saved = useSavedRun(runId, !result && finished && (toggled ?? status === "failed"));
  const run = result?.run ?? saved;
  const steps = run?.record.steps ?? [];
  const hasDetails = steps.length > 0 || Boolean(result?.error) || (!result && finished && runId !== null);
  const expanded = hasDetails && (toggled ?? (status === "failed" || status === "error"));
  const elapsed = run?.record.elapsed_ms;
  return (
    <li className={`runner-result runner-result--${status}`} data-testid="scenario-result" data-status={status} aria-label={`${name}: ${status.replace("_", " ")}`}>
      <div className="runner-result__head">
        <ScenarioStatusBadge status={status} />
        <span className="runner-result__name">{name}</span>
        {elapsed !== undefined && finished ? <span className="muted runner-result__time">{elapsed} ms</span> : null}
        <span className="toolbar__spacer" />
        {runId !== null && finished ? (
          <button type="button" className="button--link" onClick={() => onOpenRun(runId)} aria-label={`Open run #${runId} of ${name}`}>
            Open run #{runId}
          </button>
        ) : null}
        {hasDetails ? (
          <button
            type="button"
            className="button button--small"
            aria-expanded={expanded}
            aria-controls={detailsId}
            aria-label={`${expanded ? "Hide" : "Show"} assertions of ${name}`}
            onClick={() => setToggled(!expanded)}
          >
            {expanded ? "Hide details" : "Details"}
          </button>
        ) : null}
      </div>
      {expanded ? (
        <div className="runner-result__details" id={detailsId}>
          {result?.error ? (
            <p className="runner-result__error" role="note">
              {result.error}
            </p>
          ) : null}
          {steps.length > 0 ? <StepResults steps={steps} /> : result?.error ? null : <p className="muted">Loading the saved run…</p>}
        </div>
      ) : null}
    </li>
  );
}
