import { render, screen } from "@testing-library/react";
import { ReactFlowProvider, type NodeProps } from "@xyflow/react";
import { describe, expect, it } from "vitest";

import { refusedChainGraph } from "../chain/testGraph";
import { RefusalNodeCard, type RefusalFlowNode } from "./RefusalNodeCard";
import { toFlowEdges, toRefusalNodes } from "./toFlow";

function graph() {
  const g = refusedChainGraph();
  g.edges = [
    { id: "hop-3:subject:s/t2", from: "s/t2", to: "s/refused:hop-3", role: "subject", kind: "refused", step_id: "hop-3" },
    { id: "hop-3:actor:s/a3", from: "s/a3", to: "s/refused:hop-3", role: "actor", kind: "refused", step_id: "hop-3" },
  ];
  return g;
}

describe("A refused exchange in the graph", () => {
  it("is a refusal node the subject and actor edges lead into, drawn refused with ✗", () => {
    const g = graph();
    const nodes = toRefusalNodes(g, new Map([["s/refused:hop-3", { x: 10, y: 20 }]]));
    const refusal = nodes.find((n) => n.id === "s/refused:hop-3")!;
    expect(refusal.type).toBe("refusal");
    expect(refusal.position).toEqual({ x: 10, y: 20 });
    const edges = toFlowEdges(g);
    expect(edges.map((e) => e.target)).toEqual(["s/refused:hop-3", "s/refused:hop-3"]);
    for (const e of edges) {
      expect(e.className).toContain("edge--refused");
      expect(e.ariaLabel).toContain("refused, no token");
    }
  });

  it("shows the step, the error code and what the server said", () => {
    const r = graph().refusals[0]!;
    const props = { id: r.id, data: { refusal: r }, selected: false } as unknown as NodeProps<RefusalFlowNode>;
    render(
      <ReactFlowProvider>
        <RefusalNodeCard {...props} />
      </ReactFlowProvider>,
    );
    const card = screen.getByTestId("refusal-node");
    expect(card.getAttribute("aria-label")).toBe("Refused: Hop 3, invalid_target");
    expect(card.textContent).toContain("✗");
    expect(card.textContent).toContain("HTTP 400");
    expect(card.textContent).toContain("invalid_target");
    expect(card.textContent).toContain("payments-api is not allowed");
    expect(card.textContent).toContain("Hop 3");
  });

  it("says when no answer came at all", () => {
    const r = { ...graph().refusals[0]!, error: null, status: null, description: "could not reach http://127.0.0.1:9/token" };
    const props = { id: r.id, data: { refusal: r }, selected: false } as unknown as NodeProps<RefusalFlowNode>;
    render(
      <ReactFlowProvider>
        <RefusalNodeCard {...props} />
      </ReactFlowProvider>,
    );
    expect(screen.getByTestId("refusal-node").textContent).toContain("no answer");
  });
});
