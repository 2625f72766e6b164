// TEMPORARY: docs/ipc.md's collection-run types until ts-rs generates them into ../bindings;
// types.ts re-exports them from here until then. Delete this file once they are there.
import type { RunView } from "../bindings/RunView";

export type ScenarioResult = {
  scenario_id: string;
  scenario_name: string;
  status: "passed" | "failed" | "error" | "cancelled" | "not_run";
  run: RunView | null;
  error: string | null;
};
export type CollectionRunView = { collection: string; environment: string | null; cancelled: boolean; results: ScenarioResult[] };
export type CollectionProgress = {
  collection: string;
  scenario_id: string;
  position: number;
  total: number;
  phase: "started" | "finished";
  status: ScenarioResult["status"] | null;
  run_id: number | null;
};
