import { MarkerType, Position, type Edge } from "@xyflow/react";

import type { ExchangeKind, Graph } from "../../api/types";
import { CARD, cardModel, type CardModel } from "./cardModel";
import type { Positions } from "./layout";
import type { TokenFlowNode } from "./TokenNodeCard";

/** React Flow's handle, 6 px square (its CSS), centred on the card's side. */
const HANDLE = 6;

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
      // The size is known (the CSS draws it so): React Flow need not measure a card to place it,
      // fit it in view or tell whether it is in view.
      width: CARD.width,
      height: card.height,
      measured: { width: CARD.width, height: card.height },
      // Where the edges attach, known beforehand: React Flow then need not draw every card once
      // to find its handles, and a big graph only ever draws the cards in view.
      handles: [
        { type: "target", position: Position.Left, x: -HANDLE / 2, y: card.height / 2 - HANDLE / 2, width: HANDLE, height: HANDLE },
        { type: "source", position: Position.Right, x: CARD.width - HANDLE / 2, y: card.height / 2 - HANDLE / 2, width: HANDLE, height: HANDLE },
      ],
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
