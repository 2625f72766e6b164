import { useState } from "react";

import { toIpcError } from "../../api/ipc";
import { diffProbeRuns } from "../../api/probes";
import type { IpcError, ProbeChange, ProbeRunSummary } from "../../api/types";
import { ErrorBanner } from "../../shared/ErrorBanner";
import { localDate } from "../inspector/time";
import { ProbeDiffList } from "./ProbeDiffList";
import { Counts } from "./Counts";
import { gradeClass } from "./grade";

type Props = {
  /** Newest first; null while loading. */
  runs: ProbeRunSummary[] | null;
  /** The run whose report is on screen. */
  shownRunId: number | null;
  onOpen: (id: number) => void;
};

type Comparison = { before: number; after: number; changes: ProbeChange[] };

function HistoryRow({ run, shown, onOpen }: { run: ProbeRunSummary; shown: boolean; onOpen: () => void }) {
  const when = localDate(run.startedAt);
  return (
    <li className={`history-row probe-history-row ${shown ? "history-row--shown" : ""}`} data-testid="probe-history-row" data-run-id={run.id} aria-current={shown ? "true" : undefined}>
      <button type="button" className="history-row__open" onClick={onOpen} aria-label={`Open probe run #${run.id}, grade ${run.grade}, ${when}`}>
        <span className="history-row__id">#{run.id}</span>
        <span className={`probe-history-row__grade ${gradeClass(run.grade)}`}>{run.grade}</span>
        <span className="probe-history-row__counts">
          <Counts score={run} />
          {run.cancelled ? <span className="muted">cancelled</span> : null}
        </span>
        <time dateTime={new Date(run.startedAt * 1000).toISOString()}>{when}</time>
        <span className="mono muted">{run.server}</span>
      </button>
    </li>
  );
}

/** The collection's saved probe runs, newest first: open one, or compare the run on screen with
 * another to see which probes regressed or were fixed. */
export function ProbeHistory({ runs, shownRunId, onOpen }: Props) {
  const [comparison, setComparison] = useState<Comparison | null>(null);
  const [error, setError] = useState<IpcError | null>(null);

  if (runs === null || runs.length === 0) {
    return (
      <section className="history" aria-label="Probe history">
        <p className="muted">{runs === null ? "Loading the history…" : "No saved probe runs yet. Run the probes to start the history."}</p>
      </section>
    );
  }

  const shown = runs.find((r) => r.id === shownRunId) ?? null;
  const others = runs.filter((r) => r.id !== shownRunId);
  // Runs are listed newest first: the one further down is the earlier.
  const position = (id: number) => runs.findIndex((r) => r.id === id);
  const compareWith = async (other: number) => {
    if (shownRunId === null) return;
    const [before, after] = position(other) > position(shownRunId) ? [other, shownRunId] : [shownRunId, other];
    try {
      setComparison({ before, after, changes: await diffProbeRuns(before, after) });
      setError(null);
    } catch (e) {
      setError(toIpcError(e));
    }
  };

  return (
    <section className="history" aria-label="Probe history">
      <div className="history__actions">
        <span className="muted">
          {runs.length} saved probe run{runs.length === 1 ? "" : "s"}
        </span>
        {shown && others.length > 0 ? (
          <select
            aria-label={`Compare run #${shown.id} with…`}
            value=""
            onChange={(e) => e.target.value && void compareWith(Number(e.target.value))}
          >
            <option value="">Compare #{shown.id} with…</option>
            {others.map((r) => (
              <option key={r.id} value={r.id}>
                #{r.id} · {r.grade} · {localDate(r.startedAt)}
              </option>
            ))}
          </select>
        ) : null}
      </div>
      {error ? <ErrorBanner error={error} onDismiss={() => setError(null)} /> : null}
      {comparison ? <ProbeDiffList {...comparison} onClose={() => setComparison(null)} /> : null}
      <ol className="history__list" aria-label="Saved probe runs">
        {runs.map((run) => (
          <HistoryRow key={run.id} run={run} shown={run.id === shownRunId} onOpen={() => onOpen(run.id)} />
        ))}
      </ol>
    </section>
  );
}
