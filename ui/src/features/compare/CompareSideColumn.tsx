import type { CompareSide, TokenDiff } from "../../api/types";
import { TokenGraph } from "../graph/TokenGraph";
import { Refusal } from "./Refusal";
import { SideFacts } from "./SideFacts";
import { differingFacts, sideOutcome } from "./sideFacts";

const TITLES = {
  delegation: { name: "Delegation", how: "with an actor token" },
  impersonation: { name: "Impersonation", how: "without an actor token" },
} as const;

const ignoreSelection = () => {};

/** One way of doing the exchange: what the variant changed in the saved step, the token it got
 * (or the refusal), and the graph of its run. */
export function CompareSideColumn({ side, differences }: { side: CompareSide; differences: TokenDiff | null }) {
  const outcome = sideOutcome(side, differences);
  const title = TITLES[side.mode];
  const headingId = `compare-${side.mode}-heading`;
  return (
    <section
      className={`compare-side compare-side--${side.mode}`}
      data-testid="compare-side"
      data-mode={side.mode}
      data-outcome={outcome.kind}
      aria-labelledby={headingId}
    >
      <header className="compare-side__header">
        <h2 id={headingId}>{title.name}</h2>
        <span className="muted">{title.how}</span>
      </header>
      <div className="compare-side__changes">
        <h3>Against the saved step</h3>
        {side.changes.length > 0 ? (
          <ul aria-label={`${title.name}: changes to the saved step`}>
            {side.changes.map((change) => (
              <li key={change}>{change}</li>
            ))}
          </ul>
        ) : (
          <p className="muted">As saved: nothing changed.</p>
        )}
      </div>
      {outcome.kind === "issued" ? (
        <SideFacts node={outcome.node} lifetime={outcome.lifetime} differs={differingFacts(differences)} />
      ) : (
        <Refusal record={outcome.record} />
      )}
      <div className="compare-side__graph">
        <TokenGraph
          graph={side.run.graph}
          selectedId={outcome.kind === "issued" ? (outcome.node?.id ?? null) : null}
          onSelect={ignoreSelection}
        />
      </div>
    </section>
  );
}
