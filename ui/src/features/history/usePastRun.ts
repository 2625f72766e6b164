import { useCallback, useEffect, useRef, useState } from "react";

import { loadRun } from "../../api/history";
import { toIpcError } from "../../api/ipc";
import type { IpcError, RunView } from "../../api/types";

/** A saved run the user chose to look at instead of the latest: opened from the history, or from
 * elsewhere (the collection runner) through `request`, a fresh object each time it is asked for. */
export function usePastRun(collection: string, scenarioId: string, request: { runId: number } | null) {
  const [view, setView] = useState<RunView | null>(null);
  const [error, setError] = useState<IpcError | null>(null);
  const wanted = useRef<number | null>(null);

  const open = useCallback(async (runId: number) => {
    wanted.current = runId;
    try {
      const loaded = await loadRun(runId);
      if (wanted.current === runId) {
        setView(loaded);
        setError(null);
      }
    } catch (e) {
      if (wanted.current === runId) setError(toIpcError(e));
    }
  }, []);

  const back = useCallback(() => {
    wanted.current = null;
    setView(null);
  }, []);

  // Another scenario shows its own latest run.
  useEffect(() => back(), [collection, scenarioId, back]);

  useEffect(() => {
    if (request) void open(request.runId);
  }, [request, open]);

  const dismissError = useCallback(() => setError(null), []);
  return { view, error, open, back, dismissError };
}
