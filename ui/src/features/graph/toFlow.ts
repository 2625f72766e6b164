import { MarkerType, Position, type Edge } from "@xyflow/react";

import type { ExchangeKind, Graph } from "../../api/types";
import { CARD, cardModel, type CardModel } from "./cardModel";
import type { Positions } from "./layout";
import type { RefusalFlowNode } from "./RefusalNodeCard";
import type { TokenFlowNode } from "./TokenNodeCard";

/** A box in the drawing: a token, or an exchange refused. */
export type GraphFlowNode = TokenFlowNode | RefusalFlowNode;

/** A refusal's box: as wide as a card, with room for its code, why and step (refusal.css). */
export const REFUSAL_HEIGHT = 150;

/** The graph with its refusals as boxes among its tokens, for the layout (which places ids). */
export function boxesOf(graph: Graph): Graph {
  const refusals = graph.refusals ?? [];
  if (refusals.length === 0) return graph;
  return { ...graph, nodes: [...graph.nodes, ...refusals.map((r) => ({ id: r.id }) as Graph["nodes"][number])] };
}

/** One React Flow node per refused exchange, placed. */
export function toRefusalNodes(graph: Graph, positions: Positions): RefusalFlowNode[] {
  return (graph.refusals ?? []).map((refusal) => ({
    id: refusal.id,
    type: "refusal",
    position: positions.get(refusal.id) ?? { x: 0, y: 0 },
    width: CARD.width,
    height: REFUSAL_HEIGHT,
    measured: { width: CARD.width, height: REFUSAL_HEIGHT },
    handles: [
      { type: "target", position: Position.Left, x: -HANDLE / 2, y: REFUSAL_HEIGHT / 2 - HANDLE / 2, width: HANDLE, height: HANDLE },
    ],
    data: { refusal },
    draggable: false,
    connectable: false,
  }));
}

/** React Flow's handle, 6 px square (its CSS), centred on the card's side. */
const HANDLE = 6;

const EDGE_COLORS: Record<ExchangeKind, string> = {
  delegation: "#2f6fdf",
  impersonation: "#e07020",
  grant: "#7c3aed",
  refused: "#c2352b",
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
    ariaLabel: e.kind === "refused" ? `${e.role} → refused, no token (step ${e.step_id})` : `${e.role} → issued, ${e.kind} (step ${e.step_id})`,
  }));
}
