import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";

import { agentChainRun, refusalsFailedRun, renderApp } from "../../test/fakeApp";

async function openScenario(user: ReturnType<typeof userEvent.setup>, name: RegExp) {
  const tree = await screen.findByRole("tree", { name: "Collections" });
  await user.click(await within(tree).findByText("Baton demo"));
  await user.click(await within(tree).findByText(name));
  await screen.findByRole("heading", { level: 1, name });
}

afterEach(() => window.localStorage.clear());

describe("The chain view in a scenario", () => {
  it("reads scenario 6 as bob → planner-agent → flight-agent → payment-agent, and selects in step with the graph", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp();
    backend.addHistory(agentChainRun);
    await openScenario(user, /three-hop act chain/);
    await screen.findByLabelText("Last run outcome");
    // The graph alone at first; Chain shows the chain instead, Both shows the two.
    expect(screen.queryByRole("region", { name: "Delegation chain" })).toBeNull();
    const show = screen.getByRole("group", { name: "Show" });
    await user.click(within(show).getByRole("button", { name: "Chain" }));
    expect(screen.queryByRole("region", { name: "Delegation graph" })).toBeNull();
    const chain = await screen.findByRole("list", { name: "Chain: bob → planner-agent → flight-agent → payment-agent" });
    const hops = within(chain).getAllByTestId("chain-hop");
    expect(hops.map((h) => h.getAttribute("data-kind"))).toEqual(["delegation", "delegation", "delegation"]);
    expect(hops[2]!.textContent).toContain("aud payments-api");

    await user.click(within(show).getByRole("button", { name: "Both" }));
    expect(screen.getByRole("region", { name: "Delegation graph" })).toBeTruthy();
    // Clicking flight-agent selects the token hop 2 issued: the inspector opens on it, and the
    // chain marks it.
    const flight = within(screen.getByTestId("chain")).getAllByTestId("chain-principal")[2]!;
    await user.click(within(flight).getByRole("button"));
    expect(flight.getAttribute("aria-current")).toBe("true");
    expect(within(screen.getByTestId("chain")).getAllByTestId("chain-hop")[1]!.getAttribute("aria-current")).toBe("true");
  });

  it("ends a refused line with a ✗ hop", async () => {
    const user = userEvent.setup();
    window.localStorage.setItem("baton.drawing", "chain");
    const { backend } = renderApp();
    backend.addHistory(refusalsFailedRun);
    await openScenario(user, /Refusals/);
    await screen.findByLabelText("Last run outcome");
    const chains = await screen.findAllByTestId("chain");
    expect(chains.length).toBeGreaterThan(0);
    for (const chain of chains) {
      const hops = within(chain).getAllByTestId("chain-hop");
      expect(hops[hops.length - 1]!.getAttribute("data-kind")).toBe("refused");
    }
    expect(chains.some((c) => c.getAttribute("aria-label") === "Chain: bob → flight-agent")).toBe(true);
  });
});
