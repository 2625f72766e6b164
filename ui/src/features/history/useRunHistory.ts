import { useCallback, useEffect, useState } from "react";

import { listRuns } from "../../api/history";
import { toIpcError } from "../../api/ipc";
import type { IpcError, RunSummary } from "../../api/types";

/** The scenario's saved runs, newest first, read again whenever `latestRunId` changes (a run
 * just finished) or on `refresh()`. */
export function useRunHistory(collection: string, scenarioId: string, latestRunId: number | null) {
  const [runs, setRuns] = useState<RunSummary[] | null>(null);
  const [error, setError] = useState<IpcError | null>(null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let stale = false;
    listRuns(collection, scenarioId).then(
      (list) => {
        if (stale) return;
        setRuns(list);
        setError(null);
      },
      (e) => {
        if (stale) return;
        const err = toIpcError(e);
        // A scenario that never ran has no history; that is not a failure.
        if (err.code === "not_found") setRuns([]);
        else setError(err);
      },
    );
    return () => {
      stale = true;
    };
  }, [collection, scenarioId, latestRunId, generation]);

  useEffect(() => setRuns(null), [collection, scenarioId]);

  const refresh = useCallback(() => setGeneration((g) => g + 1), []);
  const dismissError = useCallback(() => setError(null), []);
  return { runs, error, refresh, dismissError };
}
