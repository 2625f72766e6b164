import { useCallback, useEffect, useMemo, useState } from "react";

import type { Collection, Graph, Step } from "../../api/types";
import type { WorkspaceApi } from "../../app/useWorkspace";
import { ErrorBanner } from "../../shared/ErrorBanner";
import { ChainView } from "../chain/ChainView";
import { DrawingSwitch, useDrawing } from "../chain/DrawingSwitch";
import { ExchangeAnimation, useLiveMotion } from "../chain/ExchangeAnimation";
import { refusalById, refusalOfStep } from "../chain/selection";
import { TokenGraph } from "../graph/TokenGraph";
import { Inspector } from "../inspector/Inspector";
import { inspect, type Selection } from "../inspector/lookup";
import { DRAWER_PX, usePanelPlacement } from "../inspector/panelPlacement";
import { useRun } from "../run/useRun";
import { HistoryPanel } from "../history/HistoryPanel";
import { PastRunBanner } from "../history/PastRunBanner";
import { useScenarioHistory } from "../history/useScenarioHistory";
import type { IpcError } from "../../api/types";
import { CompareDialog } from "../compare/CompareDialog";
import { TokenCompareDialog } from "../compare/TokenCompareDialog";
import { ExportDiagramButton } from "../diagram/ExportDiagramButton";
import { Presentation } from "../presentation/Presentation";
import { usePresentKey } from "../presentation/usePresentKey";
import { ClearCacheButton } from "../latency/ClearCacheButton";
import { StepForm } from "./StepForm";
import { StepList } from "./StepList";
import { earlierSteps, newStep, withSteps } from "./stepModel";

const EMPTY_GRAPH: Graph = { nodes: [], edges: [], refusals: [], chains: [] };
const IS_MAC = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
export const RUN_SHORTCUT = IS_MAC ? "⌘+Enter" : "Ctrl+Enter";

type Editing = { index: number; step: Step; isNew: boolean; version: number };

type Props = {
  ws: WorkspaceApi;
  collection: Collection;
  scenarioId: string;
  /** The environment runs use: the app toolbar's switch. */
  environment: string | null;
  /** A saved run to show instead of the latest (from the collection runner); a new object each
   * time it is asked for. */
  openRun?: { runId: number } | null;
};

/** One scenario: its steps beside the graph of its last run, Run, and the panel of the selected
 * step or token (inspect it, or edit the step). */
export function ScenarioView({ ws, collection, scenarioId, environment, openRun = null }: Props) {
  const scenario = collection.scenarios?.find((s) => s.id === scenarioId);
  const steps = useMemo(() => scenario?.steps ?? [], [scenario]);
  const run = useRun(collection.name, scenarioId);
  const history = useScenarioHistory(collection.name, scenarioId, run, openRun);
  const [selection, setSelection] = useState<Selection | null>(null);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [panel, setPanel] = useState<"inspect" | "edit" | "history">("inspect");
  const [comparing, setComparing] = useState<Step | null>(null);
  const [comparingToken, setComparingToken] = useState<Selection | null>(null);
  const [presenting, setPresenting] = useState(false);
  const [diagramError, setDiagramError] = useState<IpcError | null>(null);
  const [drawing, setDrawing] = useDrawing();
  const [placement, setPlacement] = usePanelPlacement();
  const closeCompare = useCallback(() => setComparing(null), []);
  usePresentKey(() => setPresenting(true), !presenting && comparing === null && comparingToken === null && scenario !== undefined);

  useEffect(() => {
    setSelection(null);
    setEditing(null);
  }, [collection.name, scenarioId]);

  const { run: start, running } = run;
  const runNow = useCallback(() => {
    if (!running) void start(environment);
  }, [running, start, environment]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Enter" && (IS_MAC ? e.metaKey : e.ctrlKey)) {
        e.preventDefault();
        runNow();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [runNow]);

  const selectStep = (index: number) => {
    const step = steps[index];
    if (!step) return;
    setSelection({ kind: "step", id: step.id });
    setEditing({ index, step, isNew: false, version: Date.now() });
    setPanel(run.view?.record.steps.some((s) => s.id === step.id) ? "inspect" : "edit");
  };

  // A refusal has no token to inspect: selecting it selects its step.
  const shownGraph = (history.shown ?? run.view)?.graph ?? EMPTY_GRAPH;
  const selectNode = useCallback(
    (id: string) => {
      const refusal = refusalById(shownGraph, id);
      setSelection(refusal ? { kind: "step", id: refusal.step_id } : { kind: "node", id });
      setPanel("inspect");
    },
    [shownGraph],
  );
  const motion = useLiveMotion(steps, run.statuses, run.records);

  const addStep = () => {
    const step = newStep(collection, steps, "exchange");
    setEditing({ index: steps.length, step, isNew: true, version: Date.now() });
    setSelection(null);
    setPanel("edit");
  };

  const saveStep = async (step: Step) => {
    if (!editing) return false;
    const next = [...steps];
    if (editing.isNew) next.push(step);
    else next[editing.index] = step;
    const ok = await ws.save(withSteps(collection, scenarioId, next));
    if (ok) {
      setEditing({ index: editing.isNew ? next.length - 1 : editing.index, step, isNew: false, version: Date.now() });
      setSelection({ kind: "step", id: step.id });
    }
    return ok;
  };

  const deleteStep = async () => {
    if (!editing || editing.isNew) return;
    const next = steps.filter((_, i) => i !== editing.index);
    if (await ws.save(withSteps(collection, scenarioId, next))) {
      setEditing(null);
      setSelection(null);
    }
  };

  if (!scenario) {
    return <p className="muted main__empty">This scenario is no longer in “{collection.name}”.</p>;
  }

  // An earlier run opened from the history is shown as the latest would be.
  const view = history.shown ?? run.view;
  const shownSteps = history.shownSteps ?? run;
  const selectedStepId = selection?.kind === "step" ? selection.id : editing && !editing.isNew ? editing.step.id : null;
  // A selected token compares as the exchange step that issued it.
  const selectedNode = selection?.kind === "node" && view ? view.graph.nodes.find((n) => n.id === selection.id) : undefined;
  const issuingExchange = (node: { step_id: string; issued: boolean } | undefined) =>
    node?.issued ? (steps.find((s) => s.id === node.step_id && s.exchange) ?? null) : null;
  const comparable = steps.find((s) => s.id === selectedStepId && s.exchange) ?? issuingExchange(selectedNode);
  const tokenToCompare =
    comparingToken?.kind === "node" && view ? view.graph.nodes.find((n) => n.id === comparingToken.id) : undefined;
  const panelOpen = selection !== null || editing !== null || panel === "history";
  // A selected step shows its token selected in the graph too.
  const graphSelected =
    selection?.kind === "node"
      ? selection.id
      : selection && view
        ? (inspect(view, selection).node?.id ?? refusalOfStep(view.graph, selection.id)?.id ?? null)
        : null;

  return (
    <div className="scenario">
      <header className="scenario__header">
        <div className="scenario__title">
          <h1>{scenario.name}</h1>
          {scenario.description ? <ScenarioDescription text={scenario.description} /> : null}
        </div>
        <div className="scenario__actions">
          {view ? (
            <span className={`outcome outcome--${view.record.outcome}`} aria-label="Last run outcome">
              {view.record.outcome} in {view.record.elapsed_ms} ms
            </span>
          ) : null}
          <button
            type="button"
            className="button"
            onClick={() => setComparing(comparable)}
            disabled={!comparable}
            title={comparable ? "Run this exchange as delegation and as impersonation, side by side" : "Select an exchange step or a token it issued to compare"}
          >
            Compare
          </button>
          <DrawingSwitch value={drawing} onChange={setDrawing} />
          <button type="button" className="button" onClick={() => setPresenting(true)} title="Present the scenario step by step (P)" aria-keyshortcuts="P">
            Present
          </button>
          <button
            type="button"
            className="button"
            aria-pressed={panel === "history"}
            onClick={() => setPanel(panel === "history" ? "inspect" : "history")}
          >
            History
          </button>
          <ClearCacheButton />
          <button
            type="button"
            className="button button--primary"
            onClick={runNow}
            disabled={running}
            title={`Run the scenario (${RUN_SHORTCUT})`}
            aria-keyshortcuts={IS_MAC ? "Meta+Enter" : "Control+Enter"}
          >
            {running ? "Running…" : "Run"} <kbd>{RUN_SHORTCUT}</kbd>
          </button>
        </div>
      </header>
      {run.error ? <ErrorBanner error={run.error} onDismiss={run.dismissError} /> : null}
      {diagramError ? <ErrorBanner error={diagramError} onDismiss={() => setDiagramError(null)} /> : null}
      {history.error ? <ErrorBanner error={history.error} onDismiss={history.dismissError} /> : null}
      {history.shown ? <PastRunBanner view={history.shown} onBack={history.back} /> : null}
      <div className={`scenario__body ${panelOpen && placement === "beside" ? "scenario__body--panel" : ""}`}>
        <StepList
          steps={steps}
          statuses={shownSteps.statuses}
          records={shownSteps.records}
          selectedId={selectedStepId}
          onSelect={selectStep}
          onAdd={addStep}
        />
        <div className={`drawing drawing--${drawing}`}>
          {drawing !== "graph" ? (
            <ChainView
              graph={view?.graph ?? EMPTY_GRAPH}
              selectedId={graphSelected}
              onSelect={selectNode}
              emptyText={running ? "Running… the chain is drawn when the run ends." : undefined}
            />
          ) : null}
          {drawing !== "chain" ? (
            <TokenGraph
              graph={view?.graph ?? EMPTY_GRAPH}
              emptyText={running ? "Running… the graph is drawn when the run ends." : undefined}
              selectedId={graphSelected}
              onSelect={selectNode}
              actions={<ExportDiagramButton runId={view?.run_id ?? null} name={scenario.name} onError={setDiagramError} />}
              coveredRight={panelOpen && placement === "drawer" ? DRAWER_PX : 0}
            />
          ) : null}
          {history.shown ? null : <ExchangeAnimation motion={motion} />}
        </div>
        {panelOpen ? (
          <div className={`panel panel--${placement}`}>
            <div className="panel__bar">
              <div className="tabs" role="tablist" aria-label="Panel">
                <button type="button" role="tab" aria-selected={panel === "inspect"} className="tab" onClick={() => setPanel("inspect")}>
                  Inspect
                </button>
                <button
                  type="button"
                  role="tab"
                  aria-selected={panel === "edit"}
                  className="tab"
                  disabled={!editing}
                  onClick={() => setPanel("edit")}
                >
                  Edit step
                </button>
                <button type="button" role="tab" aria-selected={panel === "history"} className="tab" onClick={() => setPanel("history")}>
                  History
                </button>
              </div>
              <button
                type="button"
                className="button panel__placement"
                aria-pressed={placement === "beside"}
                onClick={() => setPlacement(placement === "beside" ? "drawer" : "beside")}
                title={
                  placement === "beside"
                    ? "Show this panel as a drawer over the graph: the graph keeps its full width"
                    : "Show this panel in a column beside the graph: the graph narrows to make room"
                }
              >
                Beside graph
              </button>
            </div>
            {panel === "history" ? (
              <HistoryPanel
                runs={history.runs}
                shownRunId={history.shownRunId}
                stepName={(id) => steps.find((st) => st.id === id)?.name ?? id}
                onOpen={(id) => void history.open(id)}
              />
            ) : panel === "inspect" ? (
              view && selection ? (
                <Inspector
                  view={view}
                  selection={selection}
                  onClose={() => {
                    setSelection(null);
                    setEditing(null);
                  }}
                  onCompare={setComparingToken}
                />
              ) : (
                <p className="muted panel__empty">Run the scenario to inspect its tokens.</p>
              )
            ) : editing ? (
              <StepForm
                key={`${editing.step.id}-${editing.version}`}
                collection={collection}
                initial={editing.step}
                earlier={earlierSteps(steps, editing.index)}
                isNew={editing.isNew}
                onSave={saveStep}
                onDelete={() => void deleteStep()}
                onCancel={() => (editing.isNew ? setEditing(null) : setEditing({ ...editing, version: Date.now() }))}
                runId={view?.record.steps.some((s) => s.id === editing.step.id) ? view.run_id : null}
              />
            ) : null}
          </div>
        ) : null}
      </div>
      {comparing ? (
        <CompareDialog
          collection={collection.name}
          scenarioId={scenarioId}
          stepId={comparing.id}
          stepName={comparing.name}
          environment={environment}
          onClose={closeCompare}
        />
      ) : null}
      {comparingToken && view ? (
        <TokenCompareDialog
          view={view}
          start={comparingToken}
          scenario={scenario}
          runs={history.runs ?? []}
          onCompareModes={
            issuingExchange(tokenToCompare)
              ? () => {
                  setComparingToken(null);
                  setComparing(issuingExchange(tokenToCompare));
                }
              : undefined
          }
          onClose={() => setComparingToken(null)}
        />
      ) : null}
      {presenting ? (
        <Presentation
          scenario={scenario}
          view={run.view}
          running={running}
          statuses={run.statuses}
          error={run.error}
          onRun={runNow}
          onExit={() => setPresenting(false)}
        />
      ) : null}
    </div>
  );
}

/** The scenario's description: two lines, and the rest one click away. */
function ScenarioDescription({ text }: { text: string }) {
  const [full, setFull] = useState(false);
  const long = text.length > 160;
  return (
    <>
      <p className={`muted ${long && !full ? "scenario__description--short" : ""}`}>{text}</p>
      {long ? (
        <button type="button" className="scenario__more" aria-expanded={full} onClick={() => setFull(!full)}>
          {full ? "Less" : "More…"}
        </button>
      ) : null}
    </>
  );
}
