import { call } from "./ipc";
import type { RunView, TokenDiff } from "./types";

// PROVISIONAL until ts-rs generates them into ../bindings (docs/ipc.md, "Teaching and QA").
export type CompareMode = "delegation" | "impersonation";
export type CompareSide = { mode: CompareMode; run: RunView; step_id: string; changes: string[] };
export type CompareView = {
  collection: string;
  scenario_id: string;
  step_id: string;
  delegation: CompareSide;
  impersonation: CompareSide;
  differences: TokenDiff | null;
};

/** Runs the scenario up to the exchange step twice, once as delegation and once as
 * impersonation; neither run is saved. */
export const compareStep = (collection: string, scenarioId: string, stepId: string, environment: string | null) =>
  call<CompareView>("compare_step", { collection, scenarioId, stepId, environment });
