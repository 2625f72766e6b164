import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { CompareView } from "../../api/types";
import compareFixture from "../../fixtures/compare-ai-assistant.json";
import { renderApp } from "../../test/fakeApp";

const AI_ASSISTANT = /AI assistant's narrow token/;
const fixture = compareFixture as unknown as CompareView;

async function openScenario(user: ReturnType<typeof userEvent.setup>, name: RegExp) {
  const tree = await screen.findByRole("tree", { name: "Collections" });
  await user.click(await within(tree).findByText("Baton demo"));
  await user.click(await within(tree).findByText(name));
  await screen.findByRole("heading", { level: 1, name });
}

const selectStep = async (user: ReturnType<typeof userEvent.setup>, id: string) =>
  user.click(within(document.querySelector<HTMLElement>(`[data-step="${id}"]`)!).getAllByRole("button")[0]!);

async function openCompare(user: ReturnType<typeof userEvent.setup>) {
  await openScenario(user, AI_ASSISTANT);
  await selectStep(user, "airline");
  await user.click(screen.getByRole("button", { name: "Compare" }));
  const dialog = await screen.findByRole("dialog", { name: "Delegation vs impersonation" });
  await waitFor(() => expect(within(dialog).getAllByTestId("compare-side")).toHaveLength(2));
  return dialog;
}

function side(dialog: HTMLElement, mode: "delegation" | "impersonation") {
  const found = within(dialog)
    .getAllByTestId("compare-side")
    .find((el) => el.getAttribute("data-mode") === mode);
  if (!found) throw new Error(`no ${mode} side`);
  return found;
}

const actOf = (el: HTMLElement) => within(el).getByTestId("compare-act").textContent ?? "";
const fact = (el: HTMLElement, name: string) => el.querySelector<HTMLElement>(`[data-fact="${name}"]`)!;

/** The fixture with its impersonation side refused by the token service. */
function impersonationRefused(): CompareView {
  const view = structuredClone(fixture);
  const run = view.impersonation.run;
  const step = run.record.steps.find((s) => s.id === view.impersonation.step_id)!;
  step.status = "failed";
  step.token = null;
  step.response = {
    status: 400,
    headers: [["content-type", "application/json"]],
    body: '{"error":"unauthorized_client","error_description":"travel-assistant may not impersonate"}',
    outcome: {
      kind: "error",
      error: "unauthorized_client",
      error_description: "travel-assistant may not impersonate",
      error_uri: null,
      members: {},
    },
  };
  run.graph = {
    ...run.graph,
    nodes: run.graph.nodes.filter((n) => n.step_id !== step.id),
    edges: run.graph.edges.filter((e) => e.step_id !== step.id),
    chains: (run.graph.chains ?? []).filter((c) => !c.hops.some((h) => h.step_id === step.id)),
  };
  view.differences = null;
  return view;
}

describe("Comparing delegation and impersonation", () => {
  it("is offered only for an exchange step", async () => {
    const user = userEvent.setup();
    renderApp();
    await openScenario(user, AI_ASSISTANT);
    const compare = screen.getByRole("button", { name: "Compare" });
    expect(compare).toHaveProperty("disabled", true);
    await selectStep(user, "login");
    expect(compare).toHaveProperty("disabled", true);
    await selectStep(user, "airline");
    expect(compare).toHaveProperty("disabled", false);
  });

  it("shows the actor in the delegated token and no act in the impersonating one, with the difference marked", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp();
    const dialog = await openCompare(user);

    expect(backend.calls.filter((c) => c.cmd === "compare_step")).toEqual([
      { cmd: "compare_step", args: expect.objectContaining({ collection: "Baton demo", scenarioId: "ai-assistant", stepId: "airline" }) },
    ]);

    const delegation = side(dialog, "delegation");
    const impersonation = side(dialog, "impersonation");
    expect(within(delegation).getByRole("heading", { name: "Delegation" })).toBeTruthy();
    expect(within(impersonation).getByRole("heading", { name: "Impersonation" })).toBeTruthy();

    // The delegated token names the assistant as the actor; the impersonating one names nobody.
    expect(actOf(delegation)).toContain("travel-assistant");
    expect(actOf(delegation)).not.toMatch(/no act/);
    expect(actOf(impersonation)).toMatch(/no act/);

    // act is what differs; both tokens are still about the same user.
    expect(fact(delegation, "act").getAttribute("data-differs")).toBe("true");
    expect(fact(impersonation, "act").getAttribute("data-differs")).toBe("true");
    expect(within(fact(delegation, "act")).getByText("differs")).toBeTruthy();
    expect(fact(delegation, "sub").getAttribute("data-differs")).toBe("false");
    expect(fact(delegation, "sub").textContent).toBe(fact(impersonation, "sub").textContent);
    expect(within(dialog).getByTestId("compare-summary").textContent).toContain("act");

    // What the impersonation variant changed in the saved step, in the backend's words.
    const changes = within(impersonation).getByRole("list", { name: /Impersonation: changes to the saved step/ });
    expect(within(changes).getAllByRole("listitem").length).toBeGreaterThan(0);

    // Each side's own graph.
    expect(within(delegation).getByRole("region", { name: "Delegation graph" })).toBeTruthy();
    expect(within(impersonation).getByRole("region", { name: "Delegation graph" })).toBeTruthy();

    // The two modes explained in plain words.
    const explained = within(dialog).getByRole("complementary", { name: "Delegation and impersonation explained" });
    expect(explained.textContent).toMatch(/names who is acting/);
    expect(explained.textContent).toMatch(/no trace of the intermediary/);
    expect(explained.textContent).toMatch(/When to prefer which/);
  });

  it("shows the refusal of a side that got no token: status, error and description", async () => {
    const user = userEvent.setup();
    renderApp({ compares: { "Baton demo/ai-assistant/airline": impersonationRefused() } });
    const dialog = await openCompare(user);

    const impersonation = side(dialog, "impersonation");
    expect(impersonation.getAttribute("data-outcome")).toBe("refused");
    const refusal = within(impersonation).getByLabelText("Refusal");
    expect(refusal.textContent).toContain("400");
    expect(refusal.textContent).toContain("unauthorized_client");
    expect(refusal.textContent).toContain("travel-assistant may not impersonate");
    expect(actOf(impersonation)).toMatch(/no act/);
    expect(within(dialog).getByTestId("compare-summary").textContent).toMatch(/No claim-by-claim comparison/);

    // The delegation side still shows its token.
    const delegation = side(dialog, "delegation");
    expect(delegation.getAttribute("data-outcome")).toBe("issued");
    expect(actOf(delegation)).toContain("travel-assistant");
  });

  it("shows why the comparison failed, and Esc returns to the scenario", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp();
    backend.failWith("compare_step", { code: "unresolved", message: "step airline: {{steps.login.access_token}} did not resolve", detail: null });
    await openScenario(user, AI_ASSISTANT);
    await selectStep(user, "airline");
    await user.click(screen.getByRole("button", { name: "Compare" }));
    const dialog = await screen.findByRole("dialog", { name: "Delegation vs impersonation" });
    expect((await within(dialog).findByRole("alert")).textContent).toContain("did not resolve");

    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("dialog", { name: "Delegation vs impersonation" })).toBeNull());
    expect(screen.getByRole("heading", { level: 1, name: AI_ASSISTANT })).toBeTruthy();
  });
});
