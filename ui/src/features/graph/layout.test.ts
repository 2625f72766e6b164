import { describe, expect, it } from "vitest";

import type { Graph } from "../../api/types";
import { agentChainRun } from "../../test/fakeApp";
import { revealedGraph } from "../presentation/revealedGraph";
import { CARD } from "./cardModel";
import { layoutGraph, type Positions } from "./layout";
import { cardsOf } from "./toFlow";

const graph = agentChainRun.graph;
const heightsOf = (g: Graph) => new Map([...cardsOf(g)].map(([id, c]) => [id, c.height]));
const byStep = (g: Graph, step: string) => g.nodes.find((n) => n.step_id === step)!.id;

function overlapping(g: Graph, positions: Positions): string[] {
  const heights = heightsOf(g);
  const boxes = g.nodes.map((n) => ({ id: n.id, ...positions.get(n.id)!, h: heights.get(n.id)! }));
  const hits: string[] = [];
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      if (a.x < b.x + CARD.width && b.x < a.x + CARD.width && a.y < b.y + b.h && b.y < a.y + a.h) hits.push(`${a.id} × ${b.id}`);
    }
  return hits;
}

describe("The graph's layout", () => {
  it("draws the three-hop chain along one row, left to right, each agent's own token below the hop it acts in", () => {
    const p = layoutGraph(graph, heightsOf(graph));
    const at = (step: string) => p.get(byStep(graph, step))!;
    const chain = ["bob", "hop-1", "hop-2", "hop-3"].map(at);
    for (let i = 1; i < chain.length; i++) {
      expect(chain[i]!.x).toBeGreaterThan(chain[i - 1]!.x);
      expect(chain[i]!.y).toBe(chain[0]!.y);
    }
    // An actor's token sits in the column before the token it was exchanged into, under the subject.
    for (const [actor, hop, subject] of [
      ["planner", "hop-1", "bob"],
      ["flight", "hop-2", "hop-1"],
      ["payment", "hop-3", "hop-2"],
    ] as const) {
      expect(at(actor).x).toBe(at(subject).x);
      expect(at(actor).y).toBeGreaterThan(at(subject).y);
      expect(at(actor).x).toBeLessThan(at(hop).x);
    }
    // Four columns, two rows: compact enough to read at a readable zoom.
    expect(new Set([...p.values()].map((q) => q.x)).size).toBe(4);
    expect(overlapping(graph, p)).toEqual([]);
  });

  it("keeps every token where it was as the graph grows step by step (presentation, a run)", () => {
    const steps = agentChainRun.record.steps.map((s) => s.id);
    let previous: Positions | undefined;
    for (let i = 1; i <= steps.length; i++) {
      const shown = revealedGraph(graph, steps.slice(0, i));
      const p = layoutGraph(shown, heightsOf(shown), previous);
      if (previous) for (const [id, q] of previous) expect(p.get(id), `token ${id} at step ${i}`).toEqual(q);
      expect(overlapping(shown, p)).toEqual([]);
      previous = p;
    }
    // Grown one step at a time, it ends as the whole graph laid out at once.
    expect(previous).toEqual(layoutGraph(graph, heightsOf(graph)));
  });

  it("puts separate chains one under another without overlaps, and lays out 5,000 tokens in well under a second", () => {
    const nodes: Graph["nodes"] = [];
    const edges: Graph["edges"] = [];
    for (let c = 0; nodes.length < 5000; c++) {
      let subject = { ...graph.nodes[0]!, id: `c${c}/login`, step_id: `c${c}-login` };
      nodes.push(subject);
      for (let hop = 1; hop <= 4; hop++) {
        const actor = { ...graph.nodes[1]!, id: `c${c}/a${hop}`, step_id: `c${c}-a${hop}` };
        const issued = { ...graph.nodes[2]!, id: `c${c}/h${hop}`, step_id: `c${c}-h${hop}` };
        nodes.push(actor, issued);
        edges.push({ id: `${issued.id}:s`, from: subject.id, to: issued.id, role: "subject", kind: "delegation", step_id: issued.step_id });
        edges.push({ id: `${issued.id}:a`, from: actor.id, to: issued.id, role: "actor", kind: "delegation", step_id: issued.step_id });
        subject = issued;
      }
    }
    const big = { nodes, edges, refusals: [], chains: [] };
    const p = layoutGraph(big, heightsOf(big));
    expect(p.size).toBe(nodes.length);
    // Chains do not interleave: each chain's tokens lie below all of the chain before it.
    const chainTop = (c: number) => Math.min(...nodes.filter((n) => n.id.startsWith(`c${c}/`)).map((n) => p.get(n.id)!.y));
    const chainBottom = (c: number) => Math.max(...nodes.filter((n) => n.id.startsWith(`c${c}/`)).map((n) => p.get(n.id)!.y));
    for (const c of [0, 1, 2, 100]) expect(chainTop(c + 1)).toBeGreaterThan(chainBottom(c));
    const few = { nodes: nodes.slice(0, 45), edges: edges.filter((e) => nodes.slice(0, 45).some((n) => n.id === e.to)), refusals: [], chains: [] };
    expect(overlapping(few, layoutGraph(few, heightsOf(few)))).toEqual([]);
  });
});
