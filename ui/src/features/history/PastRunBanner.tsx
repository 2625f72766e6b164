import type { RunView } from "../../api/types";
import { localDate } from "../inspector/time";

/** Says that an earlier run is on screen, which one, and leads back to the latest. */
export function PastRunBanner({ view, onBack }: { view: RunView; onBack: () => void }) {
  return (
    <div className="past-run" role="status" aria-label="Shown run">
      <span>
        Showing <strong>Run #{view.run_id ?? "?"}</strong>, {localDate(view.record.started_at)}{" "}
        <span className={`outcome outcome--${view.record.outcome}`}>{view.record.outcome}</span>
      </span>
      <button type="button" className="button button--small" onClick={onBack}>
        Back to latest run
      </button>
    </div>
  );
}
