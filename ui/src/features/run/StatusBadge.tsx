import type { LiveStatus } from "./useRun";

const LABELS: Record<LiveStatus, string> = {
  idle: "not run",
  running: "running",
  passed: "passed",
  failed: "failed",
  error: "error",
  skipped: "skipped",
};

export function StatusBadge({ status }: { status: LiveStatus }) {
  return (
    <span className={`badge badge--${status}`} data-status={status}>
      {LABELS[status]}
    </span>
  );
}
