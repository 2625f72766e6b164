import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { mockWindows } from "@tauri-apps/api/mocks";
import { describe, expect, it } from "vitest";

import { agentChainRun, demoCollection, renderApp } from "../../test/fakeApp";

const CHAIN = /three-hop act chain/;
const chainSteps = demoCollection.scenarios!.find((s) => s.id === "agent-chain")!.steps!;

async function openScenario(user: ReturnType<typeof userEvent.setup>, name: RegExp) {
  const tree = await screen.findByRole("tree", { name: "Collections" });
  await user.click(await within(tree).findByText("Baton demo"));
  await user.click(await within(tree).findByText(name));
  await screen.findByRole("heading", { level: 1, name });
}

const heading = () => screen.getByTestId("presentation-step");
const index = () => Number(heading().getAttribute("data-index"));
const tokensShown = () => Number(document.querySelector(".presentation__graph")!.getAttribute("data-tokens"));

describe("Presentation mode", () => {
  it("reveals the scenario one step at a time: → shows the next step and more of the graph, ← goes back, Esc leaves", async () => {
    mockWindows("main");
    const user = userEvent.setup();
    const { backend } = renderApp();
    backend.addHistory(agentChainRun);
    await openScenario(user, CHAIN);
    await screen.findByLabelText("Last run outcome");

    await user.keyboard("p");
    const presentation = await screen.findByTestId("presentation");
    expect(index()).toBe(0);
    expect(heading().textContent).toBe(chainSteps[0]!.name);
    expect(within(presentation).getByText(`Step 1 of ${chainSteps.length}`)).toBeTruthy();
    const first = tokensShown();
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(agentChainRun.graph.nodes.length);

    // Through the three hops: each step shows at least as many tokens as the one before, and the
    // first hop adds its issued token.
    let before = first;
    for (let k = 1; k < chainSteps.length; k++) {
      await user.keyboard("{ArrowRight}");
      expect(index()).toBe(k);
      expect(heading().textContent).toBe(chainSteps[k]!.name);
      expect(tokensShown()).toBeGreaterThanOrEqual(before);
      if (chainSteps[k]!.id === "hop-1") expect(tokensShown()).toBeGreaterThan(before);
      before = tokensShown();
    }
    expect(tokensShown()).toBe(agentChainRun.graph.nodes.length);
    // → at the last step stays there.
    await user.keyboard("{ArrowRight}");
    expect(index()).toBe(chainSteps.length - 1);

    // A step's notes are shown with it.
    const withNotes = chainSteps.findIndex((s) => s.notes);
    while (index() > withNotes) await user.keyboard("{ArrowLeft}");
    expect(within(presentation).getByText(chainSteps[withNotes]!.notes!)).toBeTruthy();

    // ← goes back to the start, and the graph shrinks with it.
    while (index() > 0) await user.keyboard("{ArrowLeft}");
    expect(tokensShown()).toBe(first);

    // The on-screen buttons do the same.
    await user.click(within(presentation).getByRole("button", { name: /Next/ }));
    expect(index()).toBe(1);
    await user.click(within(presentation).getByRole("button", { name: /Previous/ }));
    expect(index()).toBe(0);

    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByTestId("presentation")).toBeNull());
    // Full screen while presenting, and back afterwards.
    await waitFor(() => {
      const fullscreen = backend.calls.filter((c) => c.cmd === "plugin:window|set_fullscreen").map((c) => c.args?.value);
      expect(fullscreen).toEqual([true, false]);
    });
    expect(backend.calls.some((c) => c.cmd === "run_scenario")).toBe(false);
  });

  it("runs a scenario that has no run yet, showing its progress, then presents it", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp({ holdRuns: true });
    await openScenario(user, CHAIN);
    await user.click(screen.getByRole("button", { name: "Present" }));

    const presentation = await screen.findByTestId("presentation");
    await waitFor(() => expect(backend.calls.filter((c) => c.cmd === "run_scenario")).toHaveLength(1));
    // The steps' progress, as the run reports it.
    await within(presentation).findByText(`Running the scenario… ${chainSteps.length} of ${chainSteps.length} steps done`);

    backend.releaseRun();
    await waitFor(() => expect(tokensShown()).toBeGreaterThan(0));
    expect(index()).toBe(0);
    await user.click(within(presentation).getByRole("button", { name: /Exit/ }));
    expect(screen.queryByTestId("presentation")).toBeNull();
  });

  it("does not start when P is typed into a field", async () => {
    const user = userEvent.setup();
    renderApp();
    await openScenario(user, CHAIN);
    await user.click(within(document.querySelector<HTMLElement>('[data-step="hop-1"]')!).getAllByRole("button")[0]!);
    const form = await screen.findByRole("form", { name: "Edit step hop-1" });
    await user.type(within(form).getByLabelText(/^name/), "p");
    expect(screen.queryByTestId("presentation")).toBeNull();
  });
});
