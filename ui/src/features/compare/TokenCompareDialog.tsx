import "./tokenCompare.css";

import { useEffect, useId, useMemo, useState } from "react";

import { toIpcError } from "../../api/ipc";
import { loadRun } from "../../api/runs";
import type { IpcError, RunSummary, RunView, Scenario } from "../../api/types";
import { Dialog } from "../../shared/Dialog";
import { ErrorBanner } from "../../shared/ErrorBanner";
import type { Selection } from "../inspector/lookup";
import { counterpartSide, defaultOtherSide, sideChoices, sideKey, sideOf, type SideKey, type StepSide } from "./compareSides";
import { StepSideCard } from "./StepSideCard";
import { differingTokenFacts, TOKEN_FACTS, tokenFacts, type TokenFact } from "./tokenFacts";

type Props = {
  /** The run on screen. */
  view: RunView;
  /** Where the comparison starts: a token (graph node) or a step, which may have issued none. */
  start: Selection;
  /** The scenario as the collection has it: the steps' notes and its description, in words. */
  scenario?: Scenario;
  /** The scenario's saved runs, newest first: the other side can come from any of them. */
  runs: RunSummary[];
  /** Runs the token's exchange as delegation and as impersonation (the step comparison); absent
   * when no exchange step of the scenario issued the token. */
  onCompareModes?: () => void;
  onClose: () => void;
};

const when = (epochSeconds: number) =>
  new Date(epochSeconds * 1000).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

/** How a side came out, in a few words for the summary. */
const outcome = (side: StepSide) =>
  side.refusal?.error ? `was refused with ${side.refusal.error}` : side.refusal ? "was refused" : `issued no token (${side.record?.status ?? "not run"})`;

/** A token or a step beside another step of this run or an earlier one, which may have issued
 * no token: each side's step and notes, a refusal's error, the tokens' facts side by side with
 * what differs marked. Nothing is run or saved. */
export function TokenCompareDialog({ view, start, scenario, runs, onCompareModes, onClose }: Props) {
  const id = useId();
  const mineKey = sideKey(start);
  // "this": the run on screen (which may be unsaved, with no id); a number: a saved run.
  const [otherRun, setOtherRun] = useState<"this" | number>("this");
  const [otherKey, setOtherKey] = useState<SideKey | null>(() => defaultOtherSide(view, mineKey));
  const [loaded, setLoaded] = useState<Record<number, RunView>>({});
  const [error, setError] = useState<IpcError | null>(null);
  const mine = useMemo(() => sideOf(view, mineKey), [view, mineKey]);
  const sameRun = otherRun === "this";
  const otherView = sameRun ? view : (loaded[otherRun] ?? null);

  useEffect(() => {
    if (otherRun === "this" || loaded[otherRun]) return;
    const runId = otherRun;
    let stale = false;
    loadRun(runId).then(
      (run) => {
        if (stale) return;
        setLoaded((prev) => ({ ...prev, [runId]: run }));
        setOtherKey(counterpartSide(run, mine));
      },
      (e: unknown) => !stale && setError(toIpcError(e)),
    );
    return () => {
      stale = true;
    };
  }, [otherRun, loaded, mine]);

  const choices = useMemo(
    () => (otherView ? sideChoices(otherView).filter((c) => !sameRun || c.key !== mineKey) : []),
    [otherView, sameRun, mineKey],
  );
  const other = otherView && otherKey ? sideOf(otherView, otherKey) : null;
  const facts = mine?.node ? tokenFacts(view, mine.node) : null;
  const otherFacts = otherView && other?.node ? tokenFacts(otherView, other.node) : null;
  const differs = facts && otherFacts ? differingTokenFacts(facts, otherFacts) : new Set<TokenFact>();
  const otherRuns = runs.filter((r) => r.id !== view.run_id);
  const thisRun = view.run_id === null ? "this run" : `run #${view.run_id}`;
  const otherTitle = sameRun ? "The other side" : `Run #${otherRun}`;
  const notes = (stepId: string) => scenario?.steps?.find((s) => s.id === stepId)?.notes ?? null;
  // Two steps of one scenario: the scenario's description says what the pair shows.
  const oneScenario =
    scenario !== undefined &&
    otherView !== null &&
    view.record.scenario_id === scenario.id &&
    otherView.record.scenario_id === scenario.id &&
    mine !== null &&
    other !== null &&
    mine.stepId !== other.stepId;

  return (
    <Dialog label="Compare tokens" onClose={onClose} className="token-compare">
      <header className="token-compare__header">
        <div>
          <h1>Compare tokens</h1>
          <p className="muted">
            {mine?.node ? (
              <>
                The token {mine.node.issued ? "issued" : "used"} by <strong>{mine.stepName}</strong> in {thisRun}
              </>
            ) : (
              <>
                The step <strong>{mine?.stepName ?? start.id}</strong> in {thisRun}, which issued no token,
              </>
            )}{" "}
            beside another step or token of this run or of an earlier one.
          </p>
        </div>
        <button type="button" className="button" onClick={onClose} aria-keyshortcuts="Escape" data-autofocus>
          Close
        </button>
      </header>
      <div className="token-compare__pick">
        <label htmlFor={`${id}-run`}>Compare with a step of</label>
        <select
          id={`${id}-run`}
          value={otherRun}
          onChange={(e) => {
            const run = e.target.value === "this" ? "this" : Number(e.target.value);
            setError(null);
            setOtherRun(run);
            if (run === "this") setOtherKey(defaultOtherSide(view, mineKey));
            else if (loaded[run]) setOtherKey(counterpartSide(loaded[run]!, mine));
          }}
        >
          <option value="this">this run{view.run_id === null ? "" : ` (#${view.run_id})`}</option>
          {otherRuns.map((r) => (
            <option key={r.id} value={r.id}>
              run #{r.id}, {when(r.started_at)}, {r.outcome}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-side`} className="visually-hidden">
          Step or token
        </label>
        <select
          id={`${id}-side`}
          value={otherKey ?? ""}
          disabled={!otherView || choices.length === 0}
          onChange={(e) => setOtherKey(e.target.value as SideKey)}
        >
          {choices.length === 0 ? <option value="">{otherView ? "no other step" : "loading…"}</option> : null}
          {choices.map((c) => (
            <option key={c.key} value={c.key}>
              {c.label}
            </option>
          ))}
        </select>
      </div>
      {error ? <ErrorBanner error={error} /> : null}
      {!otherView && !error ? (
        <p className="muted" role="status">
          Reading run #{otherRun}…
        </p>
      ) : null}
      {oneScenario && scenario?.description ? (
        <section className="token-compare__scenario" aria-label="What the scenario shows">
          <h2>{scenario.name}</h2>
          <p>{scenario.description}</p>
        </section>
      ) : null}
      {mine && other ? (
        <>
          <div className="token-compare__sides">
            <StepSideCard title="This side" side={mine} notes={notes(mine.stepId)} />
            <StepSideCard title={otherTitle} side={other} notes={notes(other.stepId)} />
          </div>
          <p className="token-compare__summary" data-testid="token-compare-summary">
            {facts && otherFacts ? (
              differs.size === 0 ? (
                "The two tokens agree on every fact below."
              ) : (
                <>
                  They differ in{" "}
                  {TOKEN_FACTS.filter((f) => differs.has(f)).map((f, i) => (
                    <span key={f}>
                      {i > 0 ? ", " : ""}
                      <code className="compare-differs">{f}</code>
                    </span>
                  ))}
                  .
                </>
              )
            ) : facts || otherFacts ? (
              <>
                Only one side got a token: <strong>{(facts ? other : mine).stepName}</strong> {outcome(facts ? other : mine)}.
              </>
            ) : (
              "Neither side got a token."
            )}
          </p>
          {facts || otherFacts ? (
            <table className="compare-facts token-compare__table" aria-label="Token facts side by side">
              <colgroup>
                <col className="token-compare__fact-col" />
                <col />
                <col />
                <col className="token-compare__mark-col" />
              </colgroup>
              <thead>
                <tr>
                  <th scope="col">
                    <span className="visually-hidden">Fact</span>
                  </th>
                  <th scope="col">This side</th>
                  <th scope="col">{otherTitle}</th>
                  <th scope="col">
                    <span className="visually-hidden">Differs</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {TOKEN_FACTS.map((fact) => (
                  <tr key={fact} data-fact={fact} data-differs={differs.has(fact)} className={differs.has(fact) ? "compare-fact--differs" : ""}>
                    <th scope="row" className="mono">
                      {fact}
                    </th>
                    <td className={facts ? "mono" : "muted"}>{facts ? facts[fact] : "no token"}</td>
                    <td className={otherFacts ? "mono" : "muted"}>{otherFacts ? otherFacts[fact] : "no token"}</td>
                    <td className="compare-fact__mark">{differs.has(fact) ? <span className="compare-differs">differs</span> : null}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </>
      ) : null}
      {onCompareModes ? (
        <p className="token-compare__modes">
          <button type="button" className="button" onClick={onCompareModes}>
            Delegation vs impersonation…
          </button>{" "}
          <span className="muted">runs this token's exchange both ways, side by side</span>
        </p>
      ) : null}
    </Dialog>
  );
}
