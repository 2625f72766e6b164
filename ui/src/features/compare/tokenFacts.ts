import type { RunView, TokenNode } from "../../api/types";
import { actChainLabel, shortIssuer } from "../graph/format";
import { inspect } from "../inspector/lookup";

/** The facts two tokens are lined up by, in the order the comparison shows them. */
export const TOKEN_FACTS = ["act", "sub", "aud", "scope", "lifetime", "client_id", "iss", "token_type"] as const;
export type TokenFact = (typeof TOKEN_FACTS)[number];

export type TokenFacts = Record<TokenFact, string>;

/** A token's lifetime as issued: `exp - iat` from its claims, when both are numbers. */
function lifetime(view: RunView, node: TokenNode): number | null {
  const token = inspect(view, { kind: "node", id: node.id }).token;
  const claims = token?.decoded.kind === "jwt" ? token.decoded.claims : null;
  const exp = claims?.exp;
  const iat = claims?.iat;
  return typeof exp === "number" && typeof iat === "number" ? exp - iat : null;
}

/** Each fact of a token of a run, as text; “—” for what the token does not say. */
export function tokenFacts(view: RunView, node: TokenNode): TokenFacts {
  const seconds = lifetime(view, node);
  return {
    act: node.act_chain.length > 0 ? actChainLabel(node.act_chain) : "no act",
    sub: node.sub ?? "—",
    aud: node.aud.length > 0 ? node.aud.join(", ") : "—",
    // Sorted, so the same scopes in another order are not a difference.
    scope: node.scope.length > 0 ? [...node.scope].sort().join(" ") : "—",
    lifetime: seconds === null ? "—" : `${seconds} s`,
    client_id: node.client_id ?? "—",
    iss: shortIssuer(node.issuer) ?? "—",
    token_type: node.token_type ?? "—",
  };
}

/** The facts on which two tokens differ. */
export function differingTokenFacts(a: TokenFacts, b: TokenFacts): Set<TokenFact> {
  return new Set(TOKEN_FACTS.filter((f) => a[f] !== b[f]));
}

/** A token as a choice in a list: its step, who it is about and for whom. */
export function tokenChoiceLabel(node: TokenNode): string {
  const about = node.sub ?? "?";
  const target = node.aud.length > 0 ? ` → ${node.aud.join(", ")}` : "";
  return `${node.step_name}: ${about}${target}${node.act_chain.length > 0 ? ` (act ${actChainLabel(node.act_chain)})` : ""}`;
}

/** Which token of the same run to compare with first: the subject token it was exchanged from,
 * else the token issued before it, else any other. */
export function defaultOther(view: RunView, nodeId: string): string | null {
  const subject = view.graph.edges.find((e) => e.to === nodeId && e.role === "subject");
  if (subject) return subject.from;
  const others = view.graph.nodes.filter((n) => n.id !== nodeId);
  const at = view.graph.nodes.findIndex((n) => n.id === nodeId);
  return (at > 0 ? view.graph.nodes[at - 1]?.id : undefined) ?? others[0]?.id ?? null;
}
