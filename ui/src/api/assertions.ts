import { call } from "./ipc";
import type { Assertion, AssertionPreview } from "./types";

/** How `assertions` fare against a recorded run's step, checked exactly as a run checks them,
 * and the claim paths of that step's token (offered in the editor). */
export const previewAssertions = (runId: number, stepId: string, assertions: Assertion[]) =>
  call<AssertionPreview>("preview_assertions", { runId, stepId, assertions });
