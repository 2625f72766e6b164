import type { LiveScenarioStatus } from "./useCollectionRunner";

const LABELS: Record<LiveScenarioStatus, string> = {
  waiting: "waiting",
  running: "running",
  passed: "passed",
  failed: "failed",
  error: "error",
  cancelled: "cancelled",
  not_run: "not run",
};

export function ScenarioStatusBadge({ status }: { status: LiveScenarioStatus }) {
  return <span className={`badge badge--${status}`}>{LABELS[status]}</span>;
}
