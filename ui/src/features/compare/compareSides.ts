import type { RefusalNode, RunView, StepRecord, TokenNode } from "../../api/types";
import { inspect, type Selection } from "../inspector/lookup";
import { defaultOther as defaultOtherToken, tokenChoiceLabel } from "./tokenFacts";

/** One side of the comparison, as a choice's value: a token of the run (by graph node id), or a
 * step of the run that has no token to show (a refused exchange, a skipped step). */
export type SideKey = `token:${string}` | `step:${string}`;

/** What one side is: the step, and either the token it issued (or used) or why it has none. */
export type StepSide = {
  key: SideKey;
  stepId: string;
  stepName: string;
  node: TokenNode | null;
  /** The graph's refusal of the step, when the server refused it or could not be reached. */
  refusal: RefusalNode | null;
  record: StepRecord | null;
};

export const sideKey = (selection: Selection): SideKey =>
  selection.kind === "node" ? `token:${selection.id}` : `step:${selection.id}`;

/** The side a key names in a run, or null when the run has no such token or step. */
export function sideOf(view: RunView, key: SideKey): StepSide | null {
  if (key.startsWith("token:")) {
    const node = view.graph.nodes.find((n) => n.id === key.slice("token:".length));
    if (!node) return null;
    const record = view.record.steps.find((s) => s.id === node.step_id) ?? null;
    return { key, stepId: node.step_id, stepName: node.step_name, node, refusal: null, record };
  }
  const stepId = key.slice("step:".length);
  const record = view.record.steps.find((s) => s.id === stepId) ?? null;
  const refusal = view.graph.refusals.find((r) => r.step_id === stepId) ?? null;
  if (!record && !refusal) return null;
  return { key, stepId, stepName: record?.name ?? refusal?.step_name ?? stepId, node: null, refusal, record };
}

/** How a run shows a step: the token it issued (or examined), else the step itself. */
export function keyOfStep(view: RunView, stepId: string): SideKey | null {
  const issued = view.graph.nodes.find((n) => n.step_id === stepId && n.issued);
  if (issued) return `token:${issued.id}`;
  const node = inspect(view, { kind: "step", id: stepId }).node;
  if (node) return `token:${node.id}`;
  const ran = view.record.steps.some((s) => s.id === stepId) || view.graph.refusals.some((r) => r.step_id === stepId);
  return ran ? `step:${stepId}` : null;
}

/** A side as a choice in a list. */
function choiceLabel(side: StepSide): string {
  if (side.node) return tokenChoiceLabel(side.node);
  const why = side.refusal
    ? `refused${side.refusal.error ? ` (${side.refusal.error})` : side.refusal.status !== null ? ` (HTTP ${side.refusal.status})` : ""}`
    : `no token (${side.record?.status ?? "not run"})`;
  return `${side.stepName}: ${why}`;
}

/** Every side a run offers, in the order of its steps: each step's tokens, or the step itself
 * when it has no token. */
export function sideChoices(view: RunView): { key: SideKey; label: string }[] {
  const keys: SideKey[] = [];
  const seen = new Set<string>();
  for (const step of view.record.steps) {
    const nodes = view.graph.nodes.filter((n) => n.step_id === step.id);
    nodes.forEach((n) => seen.add(n.id));
    if (nodes.length > 0) keys.push(...nodes.map((n) => `token:${n.id}` as const));
    else if (!step.token) keys.push(`step:${step.id}`);
  }
  for (const n of view.graph.nodes) if (!seen.has(n.id)) keys.push(`token:${n.id}`);
  return keys.flatMap((key) => {
    const side = sideOf(view, key);
    return side ? [{ key, label: choiceLabel(side) }] : [];
  });
}

/** The part of a step id before its last '-' (`splice` of `splice-hardened`); null when none. */
const family = (stepId: string): string | null => {
  const at = stepId.lastIndexOf("-");
  return at > 0 ? stepId.slice(0, at) : null;
};

/** The nearest other step of the run whose id shares the part before the last '-'
 * (`splice-hardened` ↔ `splice-vulnerable`, `hop-3` → `hop-2`), the earlier one on a tie. */
function sibling(view: RunView, stepId: string): string | null {
  const name = family(stepId);
  if (!name) return null;
  const ids = view.record.steps.map((s) => s.id);
  const at = ids.indexOf(stepId);
  const near = ids
    .map((id, i) => ({ id, distance: Math.abs(i - at), before: i < at }))
    .filter((c) => c.id !== stepId && family(c.id) === name)
    .sort((a, b) => a.distance - b.distance || Number(b.before) - Number(a.before));
  return near[0]?.id ?? null;
}

/** Which side of the same run to compare with first: a sibling step (same id before the last
 * '-'); else, for a token, the subject token it was exchanged from or the token before it; for
 * a step with no token, the subject token it was given or the step before it. */
export function defaultOtherSide(view: RunView, mine: SideKey): SideKey | null {
  const side = sideOf(view, mine);
  if (!side) return null;
  const near = sibling(view, side.stepId);
  const nearKey = near ? keyOfStep(view, near) : null;
  if (nearKey && nearKey !== mine) return nearKey;
  if (side.node) {
    const token = defaultOtherToken(view, side.node.id);
    if (token) return `token:${token}`;
  } else {
    const subject = side.refusal ? view.graph.edges.find((e) => e.to === side.refusal!.id && e.role === "subject") : undefined;
    if (subject) return `token:${subject.from}`;
  }
  const choices = sideChoices(view);
  const at = choices.findIndex((c) => c.key === mine);
  return (at > 0 ? choices[at - 1]?.key : undefined) ?? choices.find((c) => c.key !== mine)?.key ?? null;
}

/** In another run, the same step as this side (its token, or the step itself), else its first
 * side. */
export function counterpartSide(run: RunView, mine: StepSide | null): SideKey | null {
  return (mine ? keyOfStep(run, mine.stepId) : null) ?? sideChoices(run)[0]?.key ?? null;
}
