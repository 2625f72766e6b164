import { useEffect, useMemo } from "react";

import type { RunView } from "../../api/types";
import { fromView } from "../run/useRun";
import { usePastRun } from "./usePastRun";
import { useRunHistory } from "./useRunHistory";

/** A scenario's history beside its latest run: the saved runs (read again when a run finishes),
 * and the earlier run on screen, if one was opened. Starting a run goes back to the latest. */
export function useScenarioHistory(
  collection: string,
  scenarioId: string,
  latest: { view: RunView | null; running: boolean },
  request: { runId: number } | null,
) {
  const latestRunId = latest.view?.run_id ?? null;
  const list = useRunHistory(collection, scenarioId, latestRunId);
  const past = usePastRun(collection, scenarioId, request);
  const { back } = past;

  useEffect(() => {
    if (latest.running) back();
  }, [latest.running, back]);

  const shown = past.view;
  const shownSteps = useMemo(() => (shown ? fromView(shown) : null), [shown]);

  return {
    runs: list.runs,
    /** The earlier run on screen instead of the latest; null when the latest is shown. */
    shown,
    /** Its steps' statuses and records, for the step list. */
    shownSteps,
    shownRunId: shown?.run_id ?? latestRunId,
    open: past.open,
    back,
    error: past.error ?? list.error,
    dismissError: () => {
      past.dismissError();
      list.dismissError();
    },
  };
}
