import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { ChainView } from "./ChainView";
import { refusedChainGraph } from "./testGraph";

const principals = () => screen.getAllByTestId("chain-principal");
const hops = () => screen.getAllByTestId("chain-hop");

describe("ChainView", () => {
  it("names the principals in order, each hop labelled with its kind, audience and scope", () => {
    render(<ChainView graph={refusedChainGraph()} selectedId={null} onSelect={() => {}} />);
    const chain = screen.getByRole("list", { name: "Chain: bob → planner-agent → flight-agent → payment-agent" });
    expect(within(chain).getAllByTestId("chain-principal").map((p) => p.querySelector(".chain__name")!.textContent)).toEqual([
      "bob",
      "planner-agent",
      "flight-agent",
      "payment-agent",
    ]);
    // Principals and hops alternate: bob, hop 1, planner-agent, hop 2, …
    const order = Array.from(chain.children).map((li) => li.getAttribute("data-testid"));
    expect(order).toEqual(["chain-principal", "chain-hop", "chain-principal", "chain-hop", "chain-principal", "chain-hop", "chain-principal"]);
    const [first, , last] = hops();
    expect(first!.textContent).toContain("delegation");
    expect(first!.textContent).toContain("aud flight-agent");
    expect(first!.textContent).toContain("scope flights:book payments:charge");
    expect(last!.getAttribute("data-kind")).toBe("refused");
    expect(last!.textContent).toContain("✗ refused");
    expect(last!.textContent).toContain("aud payments-api");
    expect(principals()[3]!.textContent).toContain("refused");
  });

  it("selects the issued token (or the refusal) when a hop or principal is clicked", async () => {
    const user = userEvent.setup();
    const onSelect = vi.fn();
    render(<ChainView graph={refusedChainGraph()} selectedId={null} onSelect={onSelect} />);
    await user.click(within(principals()[1]!).getByRole("button"));
    expect(onSelect).toHaveBeenLastCalledWith("s/t1");
    await user.click(within(hops()[1]!).getByRole("button"));
    expect(onSelect).toHaveBeenLastCalledWith("s/t2");
    await user.click(within(hops()[2]!).getByRole("button"));
    expect(onSelect).toHaveBeenLastCalledWith("s/refused:hop-3");
  });

  it("highlights where the token selected in the graph stands in the chain", () => {
    const { rerender } = render(<ChainView graph={refusedChainGraph()} selectedId="s/t2" onSelect={() => {}} />);
    expect(principals().map((p) => p.getAttribute("aria-current"))).toEqual([null, null, "true", null]);
    expect(hops().map((h) => h.getAttribute("aria-current"))).toEqual([null, "true", null]);
    expect(screen.getByTestId("chain").className).toContain("chain--focused");

    rerender(<ChainView graph={refusedChainGraph()} selectedId="s/refused:hop-3" onSelect={() => {}} />);
    expect(hops().map((h) => h.getAttribute("aria-current"))).toEqual([null, null, "true"]);

    rerender(<ChainView graph={refusedChainGraph()} selectedId="elsewhere/x" onSelect={() => {}} />);
    expect(screen.getByTestId("chain").className).not.toContain("chain--focused");
  });

  it("says so when there is no exchange to draw", () => {
    render(<ChainView graph={{ nodes: [], edges: [], refusals: [], chains: [] }} selectedId={null} onSelect={() => {}} />);
    expect(screen.queryByTestId("chain")).toBeNull();
    expect(screen.getByText(/No exchanges yet/)).toBeTruthy();
  });
});
