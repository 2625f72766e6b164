import { useCallback, useRef, useState } from "react";

import { cancelCollectionRun, listenCollectionProgress, runCollection } from "../../api/collectionRuns";
import { toIpcError } from "../../api/ipc";
import { listenRunProgress } from "../../api/runs";
import type { CollectionProgress, CollectionRunView, IpcError, RunProgress, ScenarioStatus } from "../../api/types";

/** A scenario's state in the runner: waiting its turn, running now, or how the backend said it
 * ended. */
export type LiveScenarioStatus = "waiting" | "running" | ScenarioStatus;

export type CollectionRunState = {
  /** The collection of the run going or last made; null before the first. */
  collection: string | null;
  environment: string | null;
  running: boolean;
  cancelling: boolean;
  /** The scenarios asked for, in collection order. */
  scenarioIds: string[];
  /** How many of them have finished. */
  finished: number;
  /** The scenario running now (its position from 0) and its latest step. */
  current: { scenarioId: string; position: number; stepId: string | null } | null;
  statuses: Record<string, LiveScenarioStatus>;
  /** The run saved for each finished scenario, as the progress events announce them. */
  runIds: Record<string, number | null>;
  /** What the command answered, once it has. */
  result: CollectionRunView | null;
  error: IpcError | null;
};

const IDLE: CollectionRunState = {
  collection: null,
  environment: null,
  running: false,
  cancelling: false,
  scenarioIds: [],
  finished: 0,
  current: null,
  statuses: {},
  runIds: {},
  result: null,
  error: null,
};

function onCollectionProgress(s: CollectionRunState, p: CollectionProgress): CollectionRunState {
  if (!s.running || p.collection !== s.collection) return s;
  if (p.phase === "started") {
    return {
      ...s,
      current: { scenarioId: p.scenario_id, position: p.position, stepId: null },
      statuses: { ...s.statuses, [p.scenario_id]: "running" },
    };
  }
  return {
    ...s,
    finished: Math.max(s.finished, p.position + 1),
    statuses: { ...s.statuses, [p.scenario_id]: p.status ?? "error" },
    runIds: { ...s.runIds, [p.scenario_id]: p.run_id },
  };
}

function onRunProgress(s: CollectionRunState, p: RunProgress): CollectionRunState {
  if (!s.running || !s.current || p.collection !== s.collection || p.scenario_id !== s.current.scenarioId) return s;
  return { ...s, current: { ...s.current, stepId: p.step_id } };
}

function fromResult(s: CollectionRunState, view: CollectionRunView): CollectionRunState {
  const statuses: Record<string, LiveScenarioStatus> = {};
  const runIds: Record<string, number | null> = {};
  for (const r of view.results) {
    statuses[r.scenario_id] = r.status;
    runIds[r.scenario_id] = r.run?.run_id ?? null;
  }
  const finished = view.results.filter((r) => r.status !== "cancelled" && r.status !== "not_run").length;
  return { ...s, running: false, cancelling: false, current: null, statuses, runIds, finished, result: view };
}

/** Runs a collection through the async `run_collection` command and follows it with the
 * `collection-progress` and `run-progress` events. The state lives with the app, not the view,
 * so leaving the runner (to open a scenario's run) and coming back keeps what was seen. The
 * backend runs one collection at a time. */
export function useCollectionRunner() {
  const [state, setState] = useState<CollectionRunState>(IDLE);
  const busy = useRef(false);

  const start = useCallback(async (collection: string, scenarioIds: string[], all: boolean, environment: string | null) => {
    if (busy.current) return;
    busy.current = true;
    const waiting: Record<string, LiveScenarioStatus> = {};
    for (const id of scenarioIds) waiting[id] = "waiting";
    setState({ ...IDLE, collection, environment, running: true, scenarioIds, statuses: waiting });
    // Without the event channel the run still goes ahead; its results arrive when it ends.
    const stopCollection = await listenCollectionProgress((p) => setState((s) => onCollectionProgress(s, p))).catch(() => () => {});
    const stopRun = await listenRunProgress((p) => setState((s) => onRunProgress(s, p))).catch(() => () => {});
    try {
      const view = await runCollection(collection, all ? null : scenarioIds, environment);
      setState((s) => fromResult(s, view));
    } catch (e) {
      const error = toIpcError(e);
      setState((s) => {
        const statuses: Record<string, LiveScenarioStatus> = {};
        for (const [id, status] of Object.entries(s.statuses)) statuses[id] = status === "running" || status === "waiting" ? "not_run" : status;
        return { ...s, running: false, cancelling: false, current: null, statuses, error };
      });
    } finally {
      stopCollection();
      stopRun();
      busy.current = false;
    }
  }, []);

  const cancel = useCallback(async () => {
    setState((s) => (s.running ? { ...s, cancelling: true } : s));
    try {
      await cancelCollectionRun();
    } catch (e) {
      const error = toIpcError(e);
      setState((s) => ({ ...s, cancelling: false, error }));
    }
  }, []);

  const dismissError = useCallback(() => setState((s) => ({ ...s, error: null })), []);

  return { ...state, start, cancel, dismissError };
}

export type CollectionRunner = ReturnType<typeof useCollectionRunner>;
