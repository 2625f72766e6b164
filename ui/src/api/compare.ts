import { call } from "./ipc";
import type { CompareView } from "./types";

/** Runs the scenario up to the exchange step twice, once as delegation and once as
 * impersonation; neither run is saved. */
export const compareStep = (collection: string, scenarioId: string, stepId: string, environment: string | null) =>
  call<CompareView>("compare_step", { collection, scenarioId, stepId, environment });
