import type { CompareMode, CompareSide, StepRecord, TokenDiff, TokenNode } from "../../api/types";
import { inspect } from "../inspector/lookup";

/** The facts of an issued token that the comparison lines up, in the order it shows them. */
export const FACTS = ["act", "sub", "aud", "scope", "lifetime"] as const;
export type Fact = (typeof FACTS)[number];

/** What one side's exchange came to: a token (and its node in the side's graph), or a refusal. */
export type SideOutcome =
  | { kind: "issued"; record: StepRecord; node: TokenNode | null; lifetime: number | null }
  | { kind: "refused"; record: StepRecord | null };

// `differences` compares the delegation side's token ("after") with the impersonation side's ("before").
const sideOf = (mode: CompareMode) => (mode === "delegation" ? "after" : "before");

export function sideOutcome(side: CompareSide, differences: TokenDiff | null): SideOutcome {
  const found = inspect(side.run, { kind: "step", id: side.step_id });
  if (!found.step || !found.step.token) return { kind: "refused", record: found.step };
  const outcome = found.step.response?.outcome;
  const expiresIn = outcome?.kind === "success" ? outcome.expires_in : null;
  const lifetime = differences ? differences.lifetime[sideOf(side.mode)] : expiresIn;
  return { kind: "issued", record: found.step, node: found.node, lifetime };
}

/** Which facts differ between the two issued tokens, as the backend's diff says. */
export function differingFacts(diff: TokenDiff | null): Record<Fact, boolean> {
  if (!diff) return { act: false, sub: false, aud: false, scope: false, lifetime: false };
  return {
    act: diff.act_added || diff.act.before.join("\n") !== diff.act.after.join("\n"),
    sub: !diff.sub.preserved && (diff.sub.before !== null || diff.sub.after !== null),
    aud: diff.aud.added.length + diff.aud.removed.length > 0,
    scope: diff.scope.added.length + diff.scope.removed.length > 0,
    lifetime: diff.lifetime.before !== diff.lifetime.after,
  };
}
