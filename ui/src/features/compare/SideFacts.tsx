import type { TokenNode } from "../../api/types";
import { actChainLabel } from "../graph/format";
import { FACTS, type Fact } from "./sideFacts";

const LABELS: Record<Fact, string> = { act: "act", sub: "sub", aud: "aud", scope: "scope", lifetime: "lifetime" };

function factValue(fact: Fact, node: TokenNode | null, lifetime: number | null): string {
  switch (fact) {
    case "act":
      return node && node.act_chain.length > 0 ? actChainLabel(node.act_chain) : "no act";
    case "sub":
      return node?.sub ?? "—";
    case "aud":
      return node && node.aud.length > 0 ? node.aud.join(", ") : "—";
    case "scope":
      return node && node.scope.length > 0 ? node.scope.join(" ") : "—";
    case "lifetime":
      return lifetime === null ? "—" : `${lifetime} s`;
  }
}

/** The issued token's key facts, one row each; a fact the other side's token does not share is
 * marked. */
export function SideFacts({ node, lifetime, differs }: { node: TokenNode | null; lifetime: number | null; differs: Record<Fact, boolean> }) {
  return (
    <table className="compare-facts" aria-label="Issued token">
      <tbody>
        {FACTS.map((fact) => (
          <tr
            key={fact}
            data-fact={fact}
            data-differs={differs[fact] ? "true" : "false"}
            className={`compare-fact ${differs[fact] ? "compare-fact--differs" : ""}`}
          >
            <th scope="row" className="mono">
              {LABELS[fact]}
            </th>
            <td className="mono" data-testid={fact === "act" ? "compare-act" : undefined}>
              {factValue(fact, node, lifetime)}
            </td>
            <td className="compare-fact__mark">{differs[fact] ? <span className="compare-differs">differs</span> : null}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
