import { useCallback, useRef, useState } from "react";

import { toIpcError } from "../../api/ipc";
import { cancelProbeRun, listenProbeProgress, runProbes } from "../../api/probes";
import type { IpcError, ProbeRunProgress, ProbeRunView, ProbeTarget } from "../../api/types";

export type ProbeRunState = {
  /** The collection and server of the run going or last made; null before the first. */
  collection: string | null;
  server: string | null;
  running: boolean;
  cancelling: boolean;
  /** How many probes the run has (0 until the first event) and how many have finished. */
  total: number;
  finished: number;
  /** The probe running now. */
  current: { id: string; title: string; index: number } | null;
  /** What the command answered, once it has. */
  result: ProbeRunView | null;
  error: IpcError | null;
};

const IDLE: ProbeRunState = {
  collection: null,
  server: null,
  running: false,
  cancelling: false,
  total: 0,
  finished: 0,
  current: null,
  result: null,
  error: null,
};

function onProgress(s: ProbeRunState, p: ProbeRunProgress): ProbeRunState {
  if (!s.running || p.collection !== s.collection) return s;
  if (p.phase === "started") return { ...s, total: p.total, current: { id: p.probeId, title: p.title, index: p.index } };
  return { ...s, total: p.total, finished: Math.max(s.finished, p.index + 1) };
}

/** Runs probes through the async `run_probes` command and follows it with `probe-progress`
 * events. The state lives with the app, not the view, so leaving the Probe view and coming back
 * keeps the run and its report. The backend runs one probe run at a time. */
export function useProbeRun() {
  const [state, setState] = useState<ProbeRunState>(IDLE);
  const busy = useRef(false);

  const start = useCallback(async (collection: string, server: string, environment: string | null, target: ProbeTarget, only: string[]) => {
    if (busy.current) return;
    busy.current = true;
    setState({ ...IDLE, collection, server, running: true });
    // Without the event channel the run still goes ahead; its report arrives when it ends.
    const stop = await listenProbeProgress((p) => setState((s) => onProgress(s, p))).catch(() => () => {});
    try {
      const view = await runProbes(collection, environment, target, only);
      setState((s) => ({
        ...s,
        running: false,
        cancelling: false,
        current: null,
        finished: view.report.results.length,
        total: Math.max(s.total, view.report.results.length),
        result: view,
      }));
    } catch (e) {
      const error = toIpcError(e);
      setState((s) => ({ ...s, running: false, cancelling: false, current: null, error }));
    } finally {
      stop();
      busy.current = false;
    }
  }, []);

  const cancel = useCallback(async () => {
    setState((s) => (s.running ? { ...s, cancelling: true } : s));
    try {
      await cancelProbeRun();
    } catch (e) {
      const error = toIpcError(e);
      setState((s) => ({ ...s, cancelling: false, error }));
    }
  }, []);

  const dismissError = useCallback(() => setState((s) => ({ ...s, error: null })), []);

  return { ...state, start, cancel, dismissError };
}

export type ProbeRunner = ReturnType<typeof useProbeRun>;
