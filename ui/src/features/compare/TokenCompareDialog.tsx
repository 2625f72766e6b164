import "./tokenCompare.css";

import { useEffect, useId, useMemo, useState } from "react";

import { toIpcError } from "../../api/ipc";
import { loadRun } from "../../api/runs";
import type { IpcError, RunSummary, RunView, TokenNode } from "../../api/types";
import { Dialog } from "../../shared/Dialog";
import { ErrorBanner } from "../../shared/ErrorBanner";
import { defaultOther, differingTokenFacts, TOKEN_FACTS, tokenChoiceLabel, tokenFacts, type TokenFact } from "./tokenFacts";

type Props = {
  /** The run the token is in (the one on screen). */
  view: RunView;
  /** The token, by its graph node id. */
  nodeId: string;
  /** The scenario's saved runs, newest first: the other tokens can come from any of them. */
  runs: RunSummary[];
  /** Runs the token's exchange as delegation and as impersonation (the step comparison); absent
   * when no exchange step of the scenario issued the token. */
  onCompareModes?: () => void;
  onClose: () => void;
};

const when = (epochSeconds: number) =>
  new Date(epochSeconds * 1000).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

/** In an earlier run, the token the same step issued (or used), else its first token. */
function counterpart(run: RunView, node: TokenNode | null): string | null {
  const same = node ? run.graph.nodes.find((n) => n.step_id === node.step_id && n.issued === node.issued) : undefined;
  return same?.id ?? run.graph.nodes[0]?.id ?? null;
}

/** One token beside another, of this run or an earlier one: each fact side by side, what differs
 * marked. Nothing is run or saved. */
export function TokenCompareDialog({ view, nodeId, runs, onCompareModes, onClose }: Props) {
  const id = useId();
  // "this": the run on screen (which may be unsaved, with no id); a number: a saved run.
  const [otherRun, setOtherRun] = useState<"this" | number>("this");
  const [otherNodeId, setOtherNodeId] = useState<string | null>(() => defaultOther(view, nodeId));
  const [loaded, setLoaded] = useState<Record<number, RunView>>({});
  const [error, setError] = useState<IpcError | null>(null);
  const node = view.graph.nodes.find((n) => n.id === nodeId) ?? null;
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
        setOtherNodeId(counterpart(run, node));
      },
      (e: unknown) => !stale && setError(toIpcError(e)),
    );
    return () => {
      stale = true;
    };
  }, [otherRun, loaded, node]);

  const choices = useMemo(
    () => (otherView ? otherView.graph.nodes.filter((n) => !sameRun || n.id !== nodeId) : []),
    [otherView, sameRun, nodeId],
  );
  const other = otherView && otherNodeId ? (otherView.graph.nodes.find((n) => n.id === otherNodeId) ?? null) : null;
  const facts = node ? tokenFacts(view, node) : null;
  const otherFacts = otherView && other ? tokenFacts(otherView, other) : null;
  const differs = facts && otherFacts ? differingTokenFacts(facts, otherFacts) : new Set<TokenFact>();
  const otherRuns = runs.filter((r) => r.id !== view.run_id);
  const thisRun = view.run_id === null ? "this run" : `run #${view.run_id}`;

  return (
    <Dialog label="Compare tokens" onClose={onClose} className="token-compare">
      <header className="token-compare__header">
        <div>
          <h1>Compare tokens</h1>
          <p className="muted">
            The token {node?.issued ? "issued" : "used"} by <strong>{node?.step_name ?? "this step"}</strong> in {thisRun}, beside another token
            of this run or of an earlier one.
          </p>
        </div>
        <button type="button" className="button" onClick={onClose} aria-keyshortcuts="Escape" data-autofocus>
          Close
        </button>
      </header>
      <div className="token-compare__pick">
        <label htmlFor={`${id}-run`}>Compare with a token of</label>
        <select
          id={`${id}-run`}
          value={otherRun}
          onChange={(e) => {
            const run = e.target.value === "this" ? "this" : Number(e.target.value);
            setError(null);
            setOtherRun(run);
            if (run === "this") setOtherNodeId(defaultOther(view, nodeId));
            else if (loaded[run]) setOtherNodeId(counterpart(loaded[run]!, node));
          }}
        >
          <option value="this">this run{view.run_id === null ? "" : ` (#${view.run_id})`}</option>
          {otherRuns.map((r) => (
            <option key={r.id} value={r.id}>
              run #{r.id}, {when(r.started_at)}, {r.outcome}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-token`} className="visually-hidden">
          Token
        </label>
        <select
          id={`${id}-token`}
          value={otherNodeId ?? ""}
          disabled={!otherView || choices.length === 0}
          onChange={(e) => setOtherNodeId(e.target.value)}
        >
          {choices.length === 0 ? <option value="">{otherView ? "no other token" : "loading…"}</option> : null}
          {choices.map((n) => (
            <option key={n.id} value={n.id}>
              {tokenChoiceLabel(n)}
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
      {facts && otherFacts && other ? (
        <>
          <p className="token-compare__summary" data-testid="token-compare-summary">
            {differs.size === 0 ? (
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
            )}
          </p>
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
                <th scope="col">This token</th>
                <th scope="col">{sameRun ? "The other token" : `Run #${otherRun}`}</th>
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
                  <td className="mono">{facts[fact]}</td>
                  <td className="mono">{otherFacts[fact]}</td>
                  <td className="compare-fact__mark">{differs.has(fact) ? <span className="compare-differs">differs</span> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
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
