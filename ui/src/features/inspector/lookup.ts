import type { RunView, StepRecord, StepView, TokenNode, TokenRecord } from "../../api/types";

export type Selection = { kind: "node"; id: string } | { kind: "step"; id: string };

export type Inspected = {
  node: TokenNode | null;
  step: StepRecord | null;
  stepView: StepView | null;
  token: TokenRecord | null;
  /** How the token came into the step: issued by it, or given to it as subject/actor/input. */
  role: "issued" | "subject" | "actor" | "inspected" | null;
};

/** Finds what a selection refers to in a run: the graph names tokens by
 * `<scenario>/<fingerprint>`, the records by fingerprint. */
export function inspect(view: RunView, selection: Selection): Inspected {
  if (selection.kind === "step") {
    const step = view.record.steps.find((s) => s.id === selection.id) ?? null;
    const stepView = view.steps.find((s) => s.step_id === selection.id) ?? null;
    const node = step?.token
      ? (view.graph.nodes.find((n) => n.id === `${view.record.scenario_id}/${step.token!.fingerprint}`) ?? null)
      : null;
    const role = !step?.token ? null : step.kind === "token" || step.kind === "exchange" ? "issued" : "inspected";
    return { node, step, stepView, token: step?.token ?? null, role };
  }
  const node = view.graph.nodes.find((n) => n.id === selection.id) ?? null;
  const fingerprint = selection.id.slice(selection.id.lastIndexOf("/") + 1);
  const owner = node ? view.record.steps.find((s) => s.id === node.step_id) : undefined;
  const ordered = owner ? [owner, ...view.record.steps.filter((s) => s !== owner)] : view.record.steps;
  for (const step of ordered) {
    const stepView = view.steps.find((s) => s.step_id === step.id) ?? null;
    if (step.token?.fingerprint === fingerprint) {
      const role = step.kind === "token" || step.kind === "exchange" ? "issued" : "inspected";
      return { node, step, stepView, token: step.token, role };
    }
    const input = step.inputs.find((i) => i.token.fingerprint === fingerprint);
    if (input) return { node, step, stepView, token: input.token, role: input.role };
  }
  return { node, step: null, stepView: null, token: null, role: null };
}
