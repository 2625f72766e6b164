import { MarkerType, type Edge } from "@xyflow/react";

import type { ExchangeKind, Graph } from "../../api/types";
import { CARD, cardModel, type CardModel } from "./cardModel";
import type { Positions } from "./layout";
import type { TokenFlowNode } from "./TokenNodeCard";

const EDGE_COLORS: Record<ExchangeKind, string> = {
  delegation: "#2f6fdf",
  impersonation: "#e07020",
  grant: "#7c3aed",
};

/** The Rust graph, placed: one React Flow node per token (its card worked out beforehand), one
 * edge per subject or actor. */
export function toFlowNodes(graph: Graph, positions: Positions, cards: ReadonlyMap<string, CardModel>): TokenFlowNode[] {
  const issuedBy = new Map<string, ExchangeKind>();
  for (const e of graph.edges) issuedBy.set(e.to, e.kind);
  return graph.nodes.map((token) => {
    const card = cards.get(token.id) ?? cardModel(token);
    return {
      id: token.id,
      type: "token",
      position: positions.get(token.id) ?? { x: 0, y: 0 },
      // The size is known (the CSS draws it so): React Flow need not measure a card.
      width: CARD.width,
      height: card.height,
      data: { token, card, issuedBy: issuedBy.get(token.id) ?? null },
      draggable: false,
      connectable: false,
    };
  });
}

/** Every token's card, by token id. */
export function cardsOf(graph: Graph): Map<string, CardModel> {
  return new Map(graph.nodes.map((t) => [t.id, cardModel(t)]));
}

export function toFlowEdges(graph: Graph): Edge[] {
  return graph.edges.map((e) => ({
    id: e.id,
    source: e.from,
    target: e.to,
    className: `edge--${e.role} edge--${e.kind}`,
    markerEnd: { type: MarkerType.ArrowClosed, color: EDGE_COLORS[e.kind], width: 16, height: 16 },
    focusable: false,
    selectable: false,
    data: { role: e.role, kind: e.kind, step: e.step_id },
    ariaLabel: `${e.role} → issued, ${e.kind} (step ${e.step_id})`,
  }));
}
