import { useCallback, useEffect, useState } from "react";

import { toIpcError } from "../../api/ipc";
import { labRequests } from "../../api/lab";
import type { IpcError, LabRequestView } from "../../api/types";

export const POLL_MS = 2000;

/** The lab's request log, re-read every `pollMs` while the page is visible; polling stops when
 * the page is hidden and when the component using it unmounts. */
export function useLabRequests(pollMs: number = POLL_MS) {
  const [requests, setRequests] = useState<LabRequestView[] | null>(null);
  const [error, setError] = useState<IpcError | null>(null);

  const refresh = useCallback(async () => {
    try {
      setRequests(await labRequests());
      setError(null);
    } catch (e) {
      setError(toIpcError(e));
    }
  }, []);

  useEffect(() => {
    let timer: ReturnType<typeof setInterval> | null = null;
    const stop = () => {
      if (timer !== null) clearInterval(timer);
      timer = null;
    };
    const start = () => {
      stop();
      void refresh();
      timer = setInterval(() => void refresh(), pollMs);
    };
    const onVisibility = () => (document.visibilityState === "hidden" ? stop() : start());
    if (document.visibilityState !== "hidden") start();
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      stop();
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [refresh, pollMs]);

  return { requests, error, refresh };
}
