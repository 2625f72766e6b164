import type { Step, StepRecord } from "../../api/types";
import { FromCacheBadge, RepeatResult } from "../latency/RepeatResult";
import { StatusBadge } from "../run/StatusBadge";
import { StepAttempts } from "../run/StepAttempts";
import { StepFailure } from "../run/StepFailure";
import type { LiveStatus } from "../run/useRun";
import { stepKind } from "./stepModel";

type Props = {
  steps: readonly Step[];
  statuses: Record<string, LiveStatus>;
  records: Record<string, StepRecord>;
  selectedId: string | null;
  onSelect: (index: number) => void;
  onAdd: () => void;
};

/** The steps in order, each with its kind and live status; a step that did not pass says why,
 * right there. */
export function StepList({ steps, statuses, records, selectedId, onSelect, onAdd }: Props) {
  return (
    <section className="steps" aria-label="Steps">
      <ol className="steps__list">
        {steps.map((step, index) => {
          const status = statuses[step.id] ?? "idle";
          const record = records[step.id];
          return (
            <li key={step.id} className={`step step--${status} ${selectedId === step.id ? "step--selected" : ""}`} data-step={step.id}>
              <button type="button" className="step__button" aria-current={selectedId === step.id ? "true" : undefined} onClick={() => onSelect(index)}>
                <span className="step__index">{index + 1}</span>
                <span className="step__name">{step.name}</span>
                <span className="step__meta">
                  <span className="kind">{stepKind(step) ?? "?"}</span>
                  {record?.from_cache ? <FromCacheBadge /> : null}
                  <StatusBadge status={status} />
                </span>
              </button>
              {record && record.status !== "passed" ? <StepFailure record={record} /> : null}
              {record ? <StepAttempts record={record} /> : null}
              {record?.repeat ? <RepeatResult stats={record.repeat} /> : null}
            </li>
          );
        })}
      </ol>
      {steps.length === 0 ? <p className="muted">This scenario has no steps yet.</p> : null}
      <button type="button" className="button button--small steps__add" onClick={onAdd}>
        Add step
      </button>
    </section>
  );
}
