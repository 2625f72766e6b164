import { useCallback, useEffect, useRef, useState } from "react";

import { toIpcError } from "../../api/ipc";
import { listRuns, listenRunProgress, loadRun, runScenario } from "../../api/runs";
import type { IpcError, RunProgress, RunView, StepRecord, StepStatus } from "../../api/types";

/** A step's state in the view: not run yet, running now, or how it ended. */
export type LiveStatus = "idle" | "running" | StepStatus;

export type RunState = {
  running: boolean;
  view: RunView | null;
  statuses: Record<string, LiveStatus>;
  records: Record<string, StepRecord>;
  error: IpcError | null;
};

const EMPTY: RunState = { running: false, view: null, statuses: {}, records: {}, error: null };

export function fromView(view: RunView): Pick<RunState, "statuses" | "records"> {
  const statuses: Record<string, LiveStatus> = {};
  const records: Record<string, StepRecord> = {};
  for (const step of view.record.steps) {
    statuses[step.id] = step.status;
    records[step.id] = step;
  }
  return { statuses, records };
}

/** Runs one scenario and follows it: statuses change as `run-progress` events arrive, and the
 * whole `RunView` replaces them when the command returns. Opening a scenario shows its latest
 * recorded run, if it has one. */
export function useRun(collection: string, scenarioId: string) {
  const [state, setState] = useState<RunState>(EMPTY);
  const current = useRef({ collection, scenarioId });
  current.current = { collection, scenarioId };

  useEffect(() => {
    let stale = false;
    setState(EMPTY);
    (async () => {
      try {
        const runs = await listRuns(collection, scenarioId);
        const latest = runs[0];
        if (!latest || stale) return;
        const view = await loadRun(latest.id);
        if (!stale) setState((s) => (s.running ? s : { ...EMPTY, view, ...fromView(view) }));
      } catch (e) {
        // A scenario without history is normal; anything else is worth saying.
        const error = toIpcError(e);
        if (!stale && error.code !== "not_found") setState((s) => ({ ...s, error }));
      }
    })();
    return () => {
      stale = true;
    };
  }, [collection, scenarioId]);

  const run = useCallback(
    async (environment: string | null) => {
      const target = { collection, scenarioId };
      setState({ ...EMPTY, running: true });
      const onProgress = (p: RunProgress) => {
        if (p.collection !== target.collection || p.scenario_id !== target.scenarioId) return;
        setState((s) => {
          if (!s.running) return s;
          const statuses = { ...s.statuses };
          const records = { ...s.records };
          if (p.phase === "started") {
            statuses[p.step_id] = "running";
          } else if (p.record) {
            statuses[p.step_id] = p.record.status;
            records[p.step_id] = p.record;
          }
          return { ...s, statuses, records };
        });
      };
      // Without the event channel the run still goes ahead; its statuses arrive with its result.
      const unlisten = await listenRunProgress(onProgress).catch(() => () => {});
      // The user may have opened another scenario meanwhile: its view is not this run's to change.
      const stillShown = () => current.current.collection === target.collection && current.current.scenarioId === target.scenarioId;
      try {
        const view = await runScenario(target.collection, target.scenarioId, environment);
        if (stillShown()) setState({ ...EMPTY, view, ...fromView(view) });
      } catch (e) {
        if (!stillShown()) return;
        const error = toIpcError(e);
        setState((s) => {
          const statuses: Record<string, LiveStatus> = {};
          for (const [id, status] of Object.entries(s.statuses)) statuses[id] = status === "running" ? "idle" : status;
          return { ...s, statuses, running: false, error };
        });
      } finally {
        unlisten();
      }
    },
    [collection, scenarioId],
  );

  const dismissError = useCallback(() => setState((s) => ({ ...s, error: null })), []);

  return { ...state, run, dismissError };
}
