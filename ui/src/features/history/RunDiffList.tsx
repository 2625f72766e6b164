import type { RunDiff } from "../../api/types";
import { describeChange } from "./describeChange";

type Props = {
  before: number;
  after: number;
  diff: RunDiff;
  /** A step's name by id, to say which step a change is in. */
  stepName: (stepId: string) => string;
  onClose: () => void;
};

/** What changed from one run to another, one line per change, grouped by step in run order. */
export function RunDiffList({ before, after, diff, stepName, onClose }: Props) {
  return (
    <section className="run-diff" aria-label={`Differences from run #${before} to run #${after}`}>
      <div className="run-diff__head">
        <h3>
          Run #{before} → run #{after}
        </h3>
        <button type="button" className="button button--quiet" onClick={onClose} aria-label="Close comparison">
          ×
        </button>
      </div>
      {diff.changes.length === 0 ? (
        <p className="muted">No differences: the same statuses, claims, findings and assertion outcomes.</p>
      ) : (
        <ul className="run-diff__list">
          {diff.changes.map((change, i) => (
            <li key={i} className={`run-diff__change run-diff__change--${change.change}`} data-change={change.change}>
              {change.step_id ? <span className="run-diff__step">{stepName(change.step_id)}</span> : null}
              <span>{describeChange(change)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
