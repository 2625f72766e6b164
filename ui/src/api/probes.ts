import { listen, type UnlistenFn } from "@tauri-apps/api/event";

import { call } from "./ipc";
import type { ProbeChange, ProbeInfo, ProbeRunProgress, ProbeRunSummary, ProbeRunView, ProbeTarget } from "./types";

/** Every probe Baton has, in the order a run takes them. */
export const probeCatalogue = () => call<ProbeInfo[]>("probe_catalogue");

/** Probes a server of a saved collection with the roles of `target` (the collection's `[probe]`
 * when null); `only` names groups or probe ids, all when empty. The report is saved. Rejects
 * with `invalid_input` when the roles are unusable, `conflict` when a probe run is going. */
export const runProbes = (collection: string, environment: string | null, target: ProbeTarget | null, only: string[]) =>
  call<ProbeRunView>("run_probes", { collection, environment, target, only });

/** Stops the probe run before its next probe; resolves to whether one was going. */
export const cancelProbeRun = () => call<boolean>("cancel_probe_run");

/** A collection's saved probe runs, newest first. */
export const listProbeRuns = (collection: string) => call<ProbeRunSummary[]>("list_probe_runs", { collection });

export const loadProbeRun = (id: number) => call<ProbeRunView>("load_probe_run", { id });

/** The probes whose outcome changed from run `before` to run `after`, regressions first. */
export const diffProbeRuns = (before: number, after: number) => call<ProbeChange[]>("diff_probe_runs", { before, after });

export const PROBE_PROGRESS = "probe-progress";

/** Calls `onProgress` for every `probe-progress` event until the returned function is called. */
export function listenProbeProgress(onProgress: (p: ProbeRunProgress) => void): Promise<UnlistenFn> {
  return listen<ProbeRunProgress>(PROBE_PROGRESS, (event) => onProgress(event.payload));
}
