import type { Scenario, ScenarioResult } from "../../api/types";
import { ScenarioResultRow } from "./ScenarioResultRow";
import type { CollectionRunState } from "./useCollectionRunner";

type Props = {
  run: CollectionRunState;
  scenarios: readonly Scenario[];
  onOpenRun: (scenarioId: string, runId: number) => void;
};

/** The scenarios of the run going or last made, in collection order, each with its outcome. */
export function ScenarioResultList({ run, scenarios, onOpenRun }: Props) {
  const results = new Map<string, ScenarioResult>((run.result?.results ?? []).map((r) => [r.scenario_id, r]));
  const ids = run.result ? run.result.results.map((r) => r.scenario_id) : run.scenarioIds;
  return (
    <ol className="runner-results" aria-label="Scenario results">
      {ids.map((id) => {
        const result = results.get(id) ?? null;
        const name = result?.scenario_name ?? scenarios.find((s) => s.id === id)?.name ?? id;
        return (
          <ScenarioResultRow
            key={id}
            name={name}
            status={run.statuses[id] ?? "waiting"}
            result={result}
            runId={run.runIds[id] ?? null}
            onOpenRun={(runId) => onOpenRun(id, runId)}
          />
        );
      })}
    </ol>
  );
}
