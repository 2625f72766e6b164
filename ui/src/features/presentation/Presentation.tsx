import { useCallback, useEffect, useMemo, useRef, useState } from "react";

import type { IpcError, RunView, Scenario } from "../../api/types";
import { ErrorBanner } from "../../shared/ErrorBanner";
import { ChainView } from "../chain/ChainView";
import { ExchangeAnimation } from "../chain/ExchangeAnimation";
import { motionFromRecord } from "../chain/exchangeMotion";
import { refusalOfStep } from "../chain/selection";
import { TokenGraph } from "../graph/TokenGraph";
import { inspect } from "../inspector/lookup";
import type { LiveStatus } from "../run/useRun";
import { useFullscreen } from "./fullscreen";
import { PresentedToken } from "./PresentedToken";
import { revealedGraph } from "./revealedGraph";
import { EXIT_KEY, NEXT_KEYS, PREVIOUS_KEYS } from "./shortcuts";

type Props = {
  scenario: Scenario;
  /** The scenario's latest run; null until there is one. */
  view: RunView | null;
  running: boolean;
  statuses: Record<string, LiveStatus>;
  error: IpcError | null;
  /** Runs the scenario (when it has no run to present). */
  onRun: () => void;
  onExit: () => void;
};

const ignoreSelection = () => {};
/** A card's smallest text on a projector, at the graph's opening zoom (a 1920×1080 screen). */
const PRESENTED_TEXT_PX = 20;

function presentedNode(view: RunView, stepId: string): string | null {
  const { node, step } = inspect(view, { kind: "step", id: stepId });
  if (node) return node.id;
  const examined = step?.inputs[0]?.token.fingerprint;
  const id = examined ? `${view.record.scenario_id}/${examined}` : null;
  return id && view.graph.nodes.some((n) => n.id === id) ? id : null;
}

/** The scenario for an audience: full screen, large type, high contrast, one step at a time with
 * its notes, and the graph growing with each step. */
export function Presentation({ scenario, view, running, statuses, error, onRun, onExit }: Props) {
  const steps = useMemo(() => scenario.steps ?? [], [scenario]);
  const [index, setIndex] = useState(0);
  const root = useRef<HTMLDivElement>(null);
  useFullscreen();

  // Nothing to present yet: run the scenario first, once.
  const ranForIt = useRef(false);
  useEffect(() => {
    if (view || running || ranForIt.current) return;
    ranForIt.current = true;
    onRun();
  }, [view, running, onRun]);

  const last = Math.max(0, steps.length - 1);
  const next = useCallback(() => setIndex((i) => Math.min(i + 1, last)), [last]);
  const previous = useCallback(() => setIndex((i) => Math.max(i - 1, 0)), []);

  const exit = useRef(onExit);
  exit.current = onExit;
  useEffect(() => {
    root.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (NEXT_KEYS.includes(e.key)) next();
      else if (PREVIOUS_KEYS.includes(e.key)) previous();
      else if (e.key === EXIT_KEY) exit.current();
      else return;
      e.preventDefault();
    };
    // Bubbling, so that a dialog over the presentation (the shortcut overlay) keeps its keys.
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [next, previous]);

  const shownIds = useMemo(() => steps.slice(0, index + 1).map((s) => s.id), [steps, index]);
  const graph = useMemo(() => (view ? revealedGraph(view.graph, shownIds) : null), [view, shownIds]);
  const step = steps[index];
  // The current step's token stands out in the graph: the one it issued, else the one it
  // examined (an introspection issues none), else its refusal.
  const current = view && step ? (presentedNode(view, step.id) ?? refusalOfStep(view.graph, step.id)?.id ?? null) : null;
  // Stepping onto an exchange shows it made: its tokens into the token service, the answer out.
  const record = view && step ? view.record.steps.find((s) => s.id === step.id) : undefined;
  const motion = useMemo(() => (record ? motionFromRecord(record) : null), [record]);
  const done = steps.filter((s) => statuses[s.id] && statuses[s.id] !== "idle" && statuses[s.id] !== "running").length;

  return (
    <div
      ref={root}
      className="presentation"
      data-testid="presentation"
      role="dialog"
      aria-modal="true"
      aria-label={`Presenting ${scenario.name}`}
      tabIndex={-1}
    >
      <header className="presentation__bar">
        <span className="presentation__scenario">{scenario.name}</span>
        <span className="presentation__position" aria-live="polite">
          Step {steps.length === 0 ? 0 : index + 1} of {steps.length}
        </span>
        <nav className="presentation__controls" aria-label="Presentation">
          <button type="button" className="button" onClick={previous} disabled={index === 0} aria-keyshortcuts="ArrowLeft">
            ← Previous
          </button>
          <button type="button" className="button" onClick={next} disabled={index >= last} aria-keyshortcuts="ArrowRight">
            Next →
          </button>
          <button type="button" className="button" onClick={() => exit.current()} aria-keyshortcuts="Escape">
            Exit <kbd>Esc</kbd>
          </button>
        </nav>
      </header>
      {error ? <ErrorBanner error={error} /> : null}
      <div className="presentation__body">
        <section className="presentation__step" aria-live="polite">
          {step ? (
            <>
              <h2 className="presentation__name" data-testid="presentation-step" data-index={index} data-step-id={step.id}>
                {step.name}
              </h2>
              {step.notes ? <p className="presentation__notes">{step.notes}</p> : null}
              {view ? <PresentedToken view={view} stepId={step.id} /> : null}
            </>
          ) : (
            <p className="presentation__notes">This scenario has no steps.</p>
          )}
        </section>
        <div className="presentation__graph" data-tokens={graph?.nodes.length ?? 0} data-exchanges={graph?.edges.length ?? 0}>
          {graph ? (
            <div className="drawing drawing--both">
              <ChainView graph={graph} selectedId={current} onSelect={ignoreSelection} emptyText="No exchange yet at this step." />
              <TokenGraph graph={graph} emptyText="No tokens yet at this step." selectedId={current} onSelect={ignoreSelection} readablePx={PRESENTED_TEXT_PX} />
              <ExchangeAnimation motion={motion} />
            </div>
          ) : running ? (
            <p className="presentation__running" role="status">
              Running the scenario… {done} of {steps.length} steps done
            </p>
          ) : (
            <p className="presentation__running">
              This scenario has not been run.{" "}
              <button type="button" className="button" onClick={onRun}>
                Run it
              </button>
            </p>
          )}
        </div>
      </div>
    </div>
  );
}
