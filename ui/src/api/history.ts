import { call } from "./ipc";
import type { RunDiff } from "./types";

export { listRuns, loadRun } from "./runs";

/** What changed from the run `before` to the run `after` (claims, findings, assertion outcomes,
 * statuses). */
export const diffRuns = (before: number, after: number) => call<RunDiff>("diff_runs", { before, after });
