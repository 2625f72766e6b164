import type { CompareView } from "../../api/types";
import { CompareSideColumn } from "./CompareSideColumn";
import { ModesExplained } from "./ModesExplained";
import { FACTS, differingFacts } from "./sideFacts";

/** In one sentence, which facts the backend found different between the two issued tokens. */
function DifferenceSummary({ view }: { view: CompareView }) {
  if (!view.differences) {
    return (
      <p className="compare-summary muted" data-testid="compare-summary">
        No claim-by-claim comparison: that needs both sides to issue a JWT.
      </p>
    );
  }
  const differs = differingFacts(view.differences);
  const names = FACTS.filter((f) => differs[f]);
  return (
    <p className="compare-summary" data-testid="compare-summary">
      {names.length > 0 ? (
        <>
          The two tokens differ in{" "}
          {names.map((name, i) => (
            <span key={name}>
              {i > 0 ? ", " : ""}
              <code className="compare-differs">{name}</code>
            </span>
          ))}
          .
        </>
      ) : (
        "The two tokens agree on act, sub, aud, scope and lifetime."
      )}
    </p>
  );
}

/** The same exchange step done both ways, side by side, with what differs marked and the two
 * modes explained. */
export function Comparison({ view }: { view: CompareView }) {
  return (
    <div className="comparison">
      <DifferenceSummary view={view} />
      <div className="comparison__body">
        <CompareSideColumn side={view.delegation} differences={view.differences} />
        <CompareSideColumn side={view.impersonation} differences={view.differences} />
        <ModesExplained />
      </div>
    </div>
  );
}
