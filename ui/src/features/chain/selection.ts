import type { Graph, RefusalNode } from "../../api/types";

/** The refusal with this id, if the id is a refusal's. */
export function refusalById(graph: Graph, id: string): RefusalNode | null {
  return (graph.refusals ?? []).find((r) => r.id === id) ?? null;
}

/** The refusal a step left, if it was refused. */
export function refusalOfStep(graph: Graph, stepId: string): RefusalNode | null {
  return (graph.refusals ?? []).find((r) => r.step_id === stepId) ?? null;
}
