import { useCallback, useEffect, useState } from "react";

import { toIpcError } from "../../api/ipc";
import { listProbeRuns, loadProbeRun } from "../../api/probes";
import type { IpcError, ProbeRunSummary, ProbeRunView } from "../../api/types";

/** A collection's saved probe runs, and the one opened from them (null: the latest run is
 * shown). */
export function useProbeHistory(collection: string) {
  const [runs, setRuns] = useState<ProbeRunSummary[] | null>(null);
  const [opened, setOpened] = useState<ProbeRunView | null>(null);
  const [error, setError] = useState<IpcError | null>(null);

  const refresh = useCallback(async () => {
    try {
      setRuns(await listProbeRuns(collection));
    } catch (e) {
      setError(toIpcError(e));
    }
  }, [collection]);

  useEffect(() => {
    setRuns(null);
    setOpened(null);
    void refresh();
  }, [refresh]);

  const open = useCallback(async (id: number) => {
    try {
      setOpened(await loadProbeRun(id));
      setError(null);
    } catch (e) {
      setError(toIpcError(e));
    }
  }, []);

  const close = useCallback(() => setOpened(null), []);
  const dismissError = useCallback(() => setError(null), []);

  return { runs, opened, error, refresh, open, close, dismissError };
}
