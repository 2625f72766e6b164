import type { Graph } from "../../api/types";

/** The part of a run's graph that the first steps produced: their tokens, and the exchange edges
 * of those steps between tokens already shown. */
export function revealedGraph(graph: Graph, stepIds: readonly string[]): Graph {
  const shown = new Set(stepIds);
  const nodes = graph.nodes.filter((n) => shown.has(n.step_id));
  const ids = new Set(nodes.map((n) => n.id));
  const edges = graph.edges.filter((e) => shown.has(e.step_id) && ids.has(e.from) && ids.has(e.to));
  return { nodes, edges };
}
