import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

import type { Graph } from "../../api/types";
import { agentChainRun } from "../../test/fakeApp";
import { TokenGraph } from "./TokenGraph";

const scopes = Array.from({ length: 14 }, (_, i) => `payments:scope-${i + 1}`);
const chain = ["payment-agent", "flight-agent", "planner-agent", "concierge-agent", "assistant-agent"];
const graph: Graph = {
  nodes: agentChainRun.graph.nodes.map((n) => (n.step_id === "hop-3" ? { ...n, scope: scopes, act_chain: chain } : n)),
  edges: agentChainRun.graph.edges,
  refusals: [],
  chains: [],
};

describe("The token graph's cards", () => {
  it("show sub, aud, scope and the whole act chain, a long list ending in “+N more”, and open the inspector on a click", async () => {
    const onSelect = vi.fn();
    render(<TokenGraph graph={graph} selectedId={null} onSelect={onSelect} />);
    await waitFor(() => expect(document.querySelectorAll('[data-testid="token-node"]').length).toBe(graph.nodes.length));
    const last = [...document.querySelectorAll<HTMLElement>('[data-testid="token-node"]')].find((c) =>
      c.textContent!.includes("Payment agent → payments API"),
    )!;
    const card = within(last);
    const field = (key: string) => last.querySelector(`[data-field="${key}"]`)!;
    expect(field("sub").textContent).toContain("bob");
    expect(field("aud").textContent).toContain("payments-api");
    // The whole chain, each actor whole, in order.
    const act = field("act").querySelector(".token-node__value")!.textContent!.replace(/\s+/g, " ");
    expect(act).toContain(chain.join(" ← "));
    // Scopes: whole ones only, the rest counted.
    const more = card.getByText(/^\s*\+\d+ more$/);
    const shown = field("scope").querySelectorAll(".token-node__line");
    const shownScopes = [...shown].flatMap((l) => l.textContent!.trim().split(/\s+/));
    expect(shownScopes).toEqual(scopes.slice(0, shownScopes.length));
    expect(more.textContent!.trim()).toBe(`+${scopes.length - shownScopes.length} more`);
    // Nothing on this card had to be cut: no value ends in "…".
    for (const line of last.querySelectorAll(".token-node__line")) expect(line.textContent).not.toMatch(/…$/);

    // A click (not a drag): d3-zoom's mousedown handler needs a real window, which jsdom lacks.
    fireEvent.click(last);
    expect(onSelect).toHaveBeenCalledWith(graph.nodes.find((n) => n.step_id === "hop-3")!.id);
  });

  it("is ready (its view set) as soon as it is drawn, and says so when there is nothing to draw", async () => {
    const { rerender } = render(<TokenGraph graph={{ nodes: [], edges: [], refusals: [], chains: [] }} selectedId={null} onSelect={() => {}} />);
    expect(screen.getByText(/No tokens yet/)).toBeTruthy();
    rerender(<TokenGraph graph={graph} selectedId={null} onSelect={() => {}} />);
    await waitFor(() => expect(screen.getByRole("region", { name: "Delegation graph" }).getAttribute("data-ready")).toBe("true"));
    expect(screen.getByRole("button", { name: "Fit all" })).toBeTruthy();
  });
});
