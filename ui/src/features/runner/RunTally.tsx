import type { LiveScenarioStatus } from "./useCollectionRunner";

const ORDER: Array<[LiveScenarioStatus, string, string]> = [
  ["passed", "passed", "passed"],
  ["failed", "failed", "failed"],
  ["error", "error", "errors"],
  ["cancelled", "cancelled", "cancelled"],
  ["not_run", "not run", "not run"],
];

/** The run's outcome in one line: how many scenarios passed, failed, errored, were not run. */
export function RunTally({ statuses, cancelled }: { statuses: Record<string, LiveScenarioStatus>; cancelled: boolean }) {
  const counts = new Map<LiveScenarioStatus, number>();
  for (const status of Object.values(statuses)) counts.set(status, (counts.get(status) ?? 0) + 1);
  const parts = ORDER.filter(([status]) => (counts.get(status) ?? 0) > 0).map(([status, one, many]) => {
    const n = counts.get(status)!;
    return (
      <span key={status} className={`runner-tally__part runner-tally__part--${status}`}>
        {n} {n === 1 ? one : many}
      </span>
    );
  });
  if (parts.length === 0) return null;
  return (
    <p className="runner-tally" role="status" aria-label="Collection run outcome">
      {cancelled ? <strong>Cancelled: </strong> : null}
      {parts}
    </p>
  );
}
