import { useEffect, useState } from "react";

import { loadRun } from "../../api/runs";
import type { RunView } from "../../api/types";

/** A saved run, read when `wanted` (a scenario's details opened while the collection run still
 * goes on, before the command has answered with every result). */
export function useSavedRun(runId: number | null, wanted: boolean) {
  const [view, setView] = useState<RunView | null>(null);
  useEffect(() => {
    if (!wanted || runId === null || view?.run_id === runId) return;
    let stale = false;
    loadRun(runId).then(
      (loaded) => !stale && setView(loaded),
      () => {
        // The details come with the collection run's answer anyway.
      },
    );
    return () => {
      stale = true;
    };
  }, [runId, wanted, view]);
  return view?.run_id === runId ? view : null;
}
