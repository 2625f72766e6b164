import type { DelegationChain, Graph } from "../../api/types";

/** The part of a run's graph that the first steps produced: their tokens and refusals, the
 * exchange edges of those steps between boxes already shown, and each chain as far as those
 * steps took it. */
export function revealedGraph(graph: Graph, stepIds: readonly string[]): Graph {
  const shown = new Set(stepIds);
  const nodes = graph.nodes.filter((n) => shown.has(n.step_id));
  const refusals = (graph.refusals ?? []).filter((r) => shown.has(r.step_id));
  const ids = new Set([...nodes.map((n) => n.id), ...refusals.map((r) => r.id)]);
  const edges = graph.edges.filter((e) => shown.has(e.step_id) && ids.has(e.from) && ids.has(e.to));
  const chains: DelegationChain[] = [];
  const ends = new Set<string>();
  for (const chain of graph.chains ?? []) {
    const reached = chain.hops.findIndex((h) => !shown.has(h.step_id));
    const hops = reached === -1 ? chain.hops : chain.hops.slice(0, reached);
    const last = hops[hops.length - 1];
    if (!last) continue;
    // Two chains that part later are one line so far.
    const end = last.issued_token_id ?? last.refusal_id ?? last.step_id;
    if (ends.has(end)) continue;
    ends.add(end);
    chains.push({ ...chain, id: end, hops, principals: chain.principals.slice(0, hops.length + 1) });
  }
  return { nodes, edges, refusals, chains };
}
