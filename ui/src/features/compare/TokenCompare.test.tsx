import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { RunView } from "../../api/types";
import { agentChainRun, refusalsFailedRun, renderApp } from "../../test/fakeApp";

const CHAIN = /three-hop act chain/;

/** The chain run as it was earlier: the last hop's token then also held payments:refund. */
function earlierRun(): RunView {
  const run = structuredClone(agentChainRun);
  const hop3 = run.graph.nodes.find((n) => n.step_id === "hop-3" && n.issued)!;
  hop3.scope = ["payments:charge", "payments:refund"];
  run.record.started_at -= 3600;
  return run;
}

async function openChain(user: ReturnType<typeof userEvent.setup>) {
  const tree = await screen.findByRole("tree", { name: "Collections" });
  await user.click(await within(tree).findByText("Baton demo"));
  await user.click(await within(tree).findByText(CHAIN));
  await screen.findByLabelText("Last run outcome");
}

const selectStep = async (user: ReturnType<typeof userEvent.setup>, id: string) =>
  user.click(within(document.querySelector<HTMLElement>(`[data-step="${id}"]`)!).getAllByRole("button")[0]!);

const differing = (dialog: HTMLElement) =>
  [...dialog.querySelectorAll<HTMLElement>('tr[data-differs="true"]')].map((tr) => tr.getAttribute("data-fact"));

describe("Comparing a token with another", () => {
  it("offers Compare… on the inspected token, and lines it up with the token it was exchanged from", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp();
    backend.addHistory(agentChainRun);
    await openChain(user);
    await selectStep(user, "hop-3");
    const inspector = screen.getByRole("complementary", { name: "Inspector" });
    await user.click(within(inspector).getByRole("button", { name: "Compare…" }));

    const dialog = await screen.findByRole("dialog", { name: "Compare tokens" });
    const token = within(dialog).getByLabelText<HTMLSelectElement>("Step or token");
    // The subject token of hop-3 is hop-2's token.
    expect(token.selectedOptions[0]!.textContent).toMatch(/^Flight agent → payment agent/);
    expect(differing(dialog)).toEqual(expect.arrayContaining(["act", "aud"]));
    expect(differing(dialog)).not.toContain("sub");
    const act = dialog.querySelector('tr[data-fact="act"]')!;
    expect(act.textContent).toContain("payment-agent ← flight-agent ← planner-agent");
    expect(act.textContent).toContain("flight-agent ← planner-agent");
    expect(within(dialog).getByTestId("token-compare-summary").textContent).toMatch(/They differ in .*act.*aud/);
    // Nothing is run for it.
    expect(backend.calls.filter((c) => c.cmd === "compare_step" || c.cmd === "run_scenario")).toEqual([]);

    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
  });

  it("compares with the same step's token in an earlier run", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp();
    backend.addHistory(earlierRun());
    backend.addHistory(agentChainRun);
    await openChain(user);
    await selectStep(user, "hop-3");
    await user.click(within(screen.getByRole("complementary", { name: "Inspector" })).getByRole("button", { name: "Compare…" }));
    const dialog = await screen.findByRole("dialog", { name: "Compare tokens" });

    const run = within(dialog).getByLabelText<HTMLSelectElement>("Compare with a step of");
    expect([...run.options].map((o) => o.textContent)).toEqual(["this run (#2)", expect.stringMatching(/^run #1, .*, passed$/)]);
    await user.selectOptions(run, "1");
    await waitFor(() => expect(differing(dialog)).toEqual(["scope"]));
    expect(backend.calls.filter((c) => c.cmd === "load_run").map((c) => c.args)).toContainEqual({ id: 1 });
    const scope = dialog.querySelector('tr[data-fact="scope"]')!;
    expect(scope.textContent).toContain("payments:charge payments:refund");
    expect(within(dialog).getByRole("columnheader", { name: "Run #1" })).toBeTruthy();
  });

  it("leads on to delegation vs impersonation for a token an exchange issued", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp();
    backend.addHistory(agentChainRun);
    await openChain(user);
    await selectStep(user, "hop-3");
    await user.click(within(screen.getByRole("complementary", { name: "Inspector" })).getByRole("button", { name: "Compare…" }));
    const dialog = await screen.findByRole("dialog", { name: "Compare tokens" });
    await user.click(within(dialog).getByRole("button", { name: "Delegation vs impersonation…" }));
    await screen.findByRole("dialog", { name: "Delegation vs impersonation" });
    await waitFor(() =>
      expect(backend.calls.find((c) => c.cmd === "compare_step")?.args).toMatchObject({ scenarioId: "agent-chain", stepId: "hop-3" }),
    );

    // A token no exchange issued (Bob's own) has no such button.
    await user.keyboard("{Escape}");
    await selectStep(user, "bob");
    await user.click(within(screen.getByRole("complementary", { name: "Inspector" })).getByRole("button", { name: "Compare…" }));
    const again = await screen.findByRole("dialog", { name: "Compare tokens" });
    expect(within(again).queryByRole("button", { name: "Delegation vs impersonation…" })).toBeNull();
  });

  it("offers Compare… on a refused step, and shows its refusal beside another step's token", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp();
    backend.addHistory(refusalsFailedRun);
    const tree = await screen.findByRole("tree", { name: "Collections" });
    await user.click(await within(tree).findByText("Baton demo"));
    await user.click(await within(tree).findByText(/Refusals/));
    await screen.findByLabelText("Last run outcome");
    await selectStep(user, "escalation");
    const inspector = screen.getByRole("complementary", { name: "Inspector" });
    await user.click(within(inspector).getByRole("button", { name: "Compare…" }));

    const dialog = await screen.findByRole("dialog", { name: "Compare tokens" });
    const refusal = within(within(dialog).getByRole("region", { name: "This side" })).getByRole("group", { name: "Refusal" });
    expect(refusal.textContent).toContain("invalid_scope");
    expect(refusal.textContent).toContain('scope "payments:refund" is not among');
    // At first beside the token the refused exchange was given: Alice's.
    const side = within(dialog).getByLabelText<HTMLSelectElement>("Step or token");
    expect(side.selectedOptions[0]!.textContent).toMatch(/^Alice signs in: alice/);
    expect(within(dialog).getByRole("region", { name: "What the scenario shows" }).textContent).toContain("What the server must refuse");
    expect(dialog.querySelector('tr[data-fact="sub"]')!.textContent).toContain("no token");
    // Another refused step of the run: neither side got a token, each with its own error.
    await user.selectOptions(side, "step:wrong-audience");
    expect(within(dialog).getByTestId("token-compare-summary").textContent).toBe("Neither side got a token.");
    expect(within(dialog).getByRole("region", { name: "The other side" }).textContent).toContain("invalid_target");
    expect(backend.calls.filter((c) => c.cmd === "compare_step" || c.cmd === "run_scenario")).toEqual([]);
  });
});
