import { useEffect, useState } from "react";

import { diffRuns } from "../../api/history";
import { toIpcError } from "../../api/ipc";
import type { IpcError, RunDiff, RunSummary } from "../../api/types";
import { ErrorBanner } from "../../shared/ErrorBanner";
import { RunDiffList } from "./RunDiffList";
import { RunHistoryRow } from "./RunHistoryRow";

type Props = {
  runs: RunSummary[] | null;
  /** The run on screen: the latest, or one opened from here. */
  shownRunId: number | null;
  stepName: (stepId: string) => string;
  onOpen: (runId: number) => void;
};

type Comparison = { before: number; after: number; diff: RunDiff };

/** The scenario's saved runs, newest first: open one, or pick two and compare them. */
export function HistoryPanel({ runs, shownRunId, stepName, onOpen }: Props) {
  const [picked, setPicked] = useState<number[]>([]);
  const [comparison, setComparison] = useState<Comparison | null>(null);
  const [comparing, setComparing] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);

  // Picks of runs no longer listed (another scenario) are dropped.
  useEffect(() => {
    setPicked((p) => p.filter((id) => runs?.some((r) => r.id === id)));
  }, [runs]);

  if (runs === null || runs.length === 0) {
    return (
      <section className="history" aria-label="Run history">
        <p className="muted">{runs === null ? "Loading the history…" : "No saved runs yet. Run the scenario to start its history."}</p>
      </section>
    );
  }

  const pick = (id: number, on: boolean) =>
    // At most two: a third pick replaces the earliest.
    setPicked((p) => (on ? [...p.filter((x) => x !== id), id].slice(-2) : p.filter((x) => x !== id)));

  // The earlier run is "before", whatever order they were picked in.
  const [before, after] = [...picked].sort((a, b) => order(runs, a) - order(runs, b));

  const compare = async () => {
    if (before === undefined || after === undefined) return;
    setComparing(true);
    try {
      setComparison({ before, after, diff: await diffRuns(before, after) });
      setError(null);
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setComparing(false);
    }
  };

  return (
    <section className="history" aria-label="Run history">
      <div className="history__actions">
        <span className="muted">
          {runs.length} saved run{runs.length === 1 ? "" : "s"}
        </span>
        <button
          type="button"
          className="button button--small"
          disabled={picked.length !== 2 || comparing}
          onClick={() => void compare()}
          title={picked.length === 2 ? undefined : "Pick two runs to compare"}
        >
          {picked.length === 2 ? `Compare runs #${before} and #${after}` : "Compare runs"}
        </button>
      </div>
      {error ? <ErrorBanner error={error} onDismiss={() => setError(null)} /> : null}
      {comparison ? (
        <RunDiffList before={comparison.before} after={comparison.after} diff={comparison.diff} stepName={stepName} onClose={() => setComparison(null)} />
      ) : null}
      <ol className="history__list" aria-label="Saved runs">
        {runs.map((run, i) => (
          <RunHistoryRow
            key={run.id}
            run={run}
            latest={i === 0}
            shown={run.id === shownRunId}
            picked={picked.includes(run.id)}
            onOpen={() => onOpen(run.id)}
            onPick={(on) => pick(run.id, on)}
          />
        ))}
      </ol>
    </section>
  );
}

/** Position in time: runs are listed newest first, so a later index is an earlier run. */
function order(runs: RunSummary[], id: number) {
  const run = runs.find((r) => r.id === id);
  return run ? run.started_at * 1e6 + run.id : id;
}
