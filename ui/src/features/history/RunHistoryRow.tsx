import type { RunSummary } from "../../api/types";
import { localDate } from "../inspector/time";

type Props = {
  run: RunSummary;
  shown: boolean;
  latest: boolean;
  picked: boolean;
  onOpen: () => void;
  onPick: (picked: boolean) => void;
};

/** One saved run: its outcome, when it started and how long it took; open it, or pick it for a
 * comparison. */
export function RunHistoryRow({ run, shown, latest, picked, onOpen, onPick }: Props) {
  const when = localDate(run.started_at);
  return (
    <li
      className={`history-row ${shown ? "history-row--shown" : ""}`}
      data-testid="run-history-row"
      data-run-id={run.id}
      data-outcome={run.outcome}
      aria-current={shown ? "true" : undefined}
    >
      <input type="checkbox" checked={picked} onChange={(e) => onPick(e.target.checked)} aria-label={`Pick run #${run.id} to compare`} />
      <button type="button" className="history-row__open" onClick={onOpen} aria-label={`Open run #${run.id}, ${run.outcome}, ${when}`}>
        <span className="history-row__id">#{run.id}</span>
        <span className={`outcome outcome--${run.outcome}`}>{run.outcome}</span>
        <time dateTime={new Date(run.started_at * 1000).toISOString()}>{when}</time>
        <span className="muted">{run.elapsed_ms} ms</span>
        {latest ? <span className="muted history-row__latest">latest</span> : null}
      </button>
    </li>
  );
}
