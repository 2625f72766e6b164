import { useMemo, useState } from "react";

import type { Collection } from "../../api/types";
import { ErrorBanner } from "../../shared/ErrorBanner";
import { RunProgressBar } from "./RunProgressBar";
import { RunTally } from "./RunTally";
import { ScenarioPicker } from "./ScenarioPicker";
import { ScenarioResultList } from "./ScenarioResultList";
import type { CollectionRunner } from "./useCollectionRunner";

type Props = {
  collection: Collection;
  environment: string | null;
  runner: CollectionRunner;
  onOpenRun: (scenarioId: string, runId: number) => void;
};

/** The collection runner: pick scenarios (all by default), run them in the active environment,
 * follow the progress, cancel, and read each scenario's outcome down to its assertions. */
export function CollectionRunnerView({ collection, environment, runner, onOpenRun }: Props) {
  const scenarios = useMemo(() => collection.scenarios ?? [], [collection]);
  // A collection opened in the runner starts with all its scenarios selected.
  const [picked, setPicked] = useState<{ collection: string; ids: ReadonlySet<string> } | null>(null);
  const selected = useMemo(
    () => (picked?.collection === collection.name ? picked.ids : new Set(scenarios.map((s) => s.id))),
    [picked, collection.name, scenarios],
  );
  const setSelected = (ids: ReadonlySet<string>) => setPicked({ collection: collection.name, ids });

  const mine = runner.collection === collection.name;
  const otherRunning = runner.running && !mine;
  const ordered = scenarios.filter((s) => selected.has(s.id)).map((s) => s.id);
  const all = ordered.length === scenarios.length;

  const current = mine && runner.current ? runner.current : null;
  const currentScenario = current ? scenarios.find((s) => s.id === current.scenarioId) : undefined;
  const currentStep = current?.stepId ? (currentScenario?.steps?.find((st) => st.id === current.stepId)?.name ?? current.stepId) : null;

  return (
    <section className="runner" aria-labelledby="runner-heading">
      <header className="scenario__header">
        <div className="scenario__title">
          <h1 id="runner-heading">Run “{collection.name}”</h1>
          <p className="muted">
            {environment ? (
              <>
                In environment <strong>{environment}</strong>.
              </>
            ) : (
              "Without an environment."
            )}{" "}
            Each scenario's run is saved to its history.
          </p>
        </div>
        <div className="scenario__actions">
          {mine && runner.running ? (
            <button type="button" className="button button--danger" onClick={() => void runner.cancel()} disabled={runner.cancelling}>
              {runner.cancelling ? "Cancelling…" : "Cancel"}
            </button>
          ) : null}
          <button
            type="button"
            className="button button--primary"
            disabled={runner.running || ordered.length === 0}
            onClick={() => void runner.start(collection.name, ordered, all, environment)}
          >
            {mine && runner.running ? "Running…" : all ? "Run all" : `Run ${ordered.length} selected`}
          </button>
        </div>
      </header>
      {mine && runner.error ? <ErrorBanner error={runner.error} onDismiss={runner.dismissError} /> : null}
      {otherRunning ? (
        <p className="muted runner__note" role="status">
          “{runner.collection}” is being run; one collection runs at a time.
        </p>
      ) : null}
      <div className="runner__body">
        <ScenarioPicker scenarios={scenarios} selected={selected} disabled={runner.running} onChange={setSelected} />
        {mine ? (
          <div className="runner__run">
            <RunProgressBar
              total={runner.scenarioIds.length}
              finished={runner.finished}
              running={runner.running}
              current={current ? { position: current.position, scenario: currentScenario?.name ?? current.scenarioId, step: currentStep } : null}
            />
            {!runner.running ? <RunTally statuses={runner.statuses} cancelled={runner.result?.cancelled ?? false} /> : null}
            <ScenarioResultList run={runner} scenarios={scenarios} onOpenRun={onOpenRun} />
          </div>
        ) : (
          <p className="muted runner__hint">
            {scenarios.length === 0 ? "This collection has no scenarios yet." : "Choose the scenarios, then Run: their outcomes appear here."}
          </p>
        )}
      </div>
    </section>
  );
}
