import { MarkerType, type Edge } from "@xyflow/react";

import type { ExchangeKind, Graph } from "../../api/types";
import { NODE_HEIGHT, NODE_WIDTH, type Positions } from "./layout";
import type { RefusalFlowNode } from "./RefusalNodeCard";
import type { TokenFlowNode } from "./TokenNodeCard";

/** A box in the drawing: a token, or an exchange refused. */
export type GraphFlowNode = TokenFlowNode | RefusalFlowNode;

const EDGE_COLORS: Record<ExchangeKind, string> = {
  delegation: "#2f6fdf",
  impersonation: "#e07020",
  grant: "#7c3aed",
  refused: "#c2352b",
};

/** The Rust graph, placed: one React Flow node per token and per refusal, one edge per subject
 * or actor. */
export function toFlowNodes(graph: Graph, positions: Positions): GraphFlowNode[] {
  const issuedBy = new Map<string, ExchangeKind>();
  for (const e of graph.edges) issuedBy.set(e.to, e.kind);
  const tokens: TokenFlowNode[] = graph.nodes.map((token) => ({
    id: token.id,
    type: "token",
    position: positions.get(token.id) ?? { x: 0, y: 0 },
    width: NODE_WIDTH,
    height: NODE_HEIGHT,
    data: { token, issuedBy: issuedBy.get(token.id) ?? null },
    draggable: false,
    connectable: false,
  }));
  const refusals: RefusalFlowNode[] = (graph.refusals ?? []).map((refusal) => ({
    id: refusal.id,
    type: "refusal",
    position: positions.get(refusal.id) ?? { x: 0, y: 0 },
    width: NODE_WIDTH,
    height: NODE_HEIGHT,
    data: { refusal },
    draggable: false,
    connectable: false,
  }));
  return [...tokens, ...refusals];
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
    ...(e.kind === "refused" ? { label: "✗" } : {}),
  }));
}
