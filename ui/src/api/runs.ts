import { listen, type UnlistenFn } from "@tauri-apps/api/event";

import { call } from "./ipc";
import type { RunProgress, RunSummary, RunView } from "./types";

export const runScenario = (collection: string, scenarioId: string, environment: string | null) =>
  call<RunView>("run_scenario", { collection, scenarioId, environment });

export const listRuns = (collection: string, scenarioId: string) =>
  call<RunSummary[]>("list_runs", { collection, scenarioId });

export const loadRun = (id: number) => call<RunView>("load_run", { id });

export const RUN_PROGRESS = "run-progress";

/** Calls `onProgress` for every `run-progress` event until the returned function is called. */
export function listenRunProgress(onProgress: (p: RunProgress) => void): Promise<UnlistenFn> {
  return listen<RunProgress>(RUN_PROGRESS, (event) => onProgress(event.payload));
}
