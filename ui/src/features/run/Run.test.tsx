import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { renderApp } from "../../test/fakeApp";

async function openScenario(user: ReturnType<typeof userEvent.setup>, name: RegExp) {
  const tree = await screen.findByRole("tree", { name: "Collections" });
  await user.click(await within(tree).findByText("Baton demo"));
  await user.click(await within(tree).findByText(name));
  await screen.findByRole("heading", { level: 1, name });
}

const stepRow = (id: string) => document.querySelector<HTMLElement>(`[data-step="${id}"]`)!;
const statusOf = (id: string) => stepRow(id).querySelector("[data-status]")?.getAttribute("data-status");

describe("Running a scenario", () => {
  it("updates each step's status from run-progress events while the run is going", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp({ holdRuns: true });
    await openScenario(user, /three-hop act chain/);
    expect(statusOf("hop-3")).toBe("idle");

    await user.click(screen.getByRole("button", { name: /^Run/ }));

    // The command has not returned (it is held), so only the events can have set these.
    await waitFor(() => expect(statusOf("audit")).toBe("passed"));
    expect(screen.getByRole("button", { name: /Running/ })).toBeTruthy();
    for (const id of ["bob", "planner", "hop-1", "flight", "hop-2", "payment", "hop-3"]) expect(statusOf(id)).toBe("passed");
    expect(backend.calls.filter((c) => c.cmd === "run_scenario")).toEqual([
      { cmd: "run_scenario", args: { collection: "Baton demo", scenarioId: "agent-chain", environment: "lab" } },
    ]);

    backend.releaseRun();
    expect(await screen.findByLabelText("Last run outcome")).toHaveProperty("textContent", expect.stringContaining("passed"));
  });

  it("runs with Ctrl+Enter", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp();
    await openScenario(user, /three-hop act chain/);
    await user.keyboard("{Control>}{Enter}{/Control}");
    await waitFor(() => expect(backend.calls.some((c) => c.cmd === "run_scenario")).toBe(true));
    await waitFor(() => expect(statusOf("hop-3")).toBe("passed"));
  });

  it("shows a failing step's error, failed assertions and the server's response inline", async () => {
    const user = userEvent.setup();
    renderApp();
    await openScenario(user, /Refusals/);
    await user.click(screen.getByRole("button", { name: /^Run/ }));

    await waitFor(() => expect(statusOf("escalation")).toBe("failed"));
    const row = stepRow("escalation");
    const failed = within(row).getByRole("list", { name: "Failed assertions" });
    expect(failed.textContent).toContain("HTTP status: expected 200, got 400 (invalid_scope)");
    expect(failed.textContent).toContain("scope ⊆ the allowed set: the server refused; no token was issued");
    const response = within(row).getByLabelText("Server response");
    expect(response.textContent).toContain("400");
    expect(response.textContent).toContain("invalid_scope");
    expect(response.textContent).toMatch(/error_description/);
    expect(statusOf("login")).toBe("passed");
    expect(stepRow("login").querySelector(".step-failure")).toBeNull();
  });

  it("shows the message of a command that failed", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp();
    await openScenario(user, /three-hop act chain/);
    backend.failWith("run_scenario", {
      code: "unresolved",
      message: "step hop-1: {{steps.bobb.access_token}} names no earlier step",
      detail: null,
    });
    await user.click(screen.getByRole("button", { name: /^Run/ }));

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("step hop-1: {{steps.bobb.access_token}} names no earlier step");
    expect(alert.textContent).toContain("Unresolved reference");
    expect(screen.getByRole("button", { name: /^Run/ })).toHaveProperty("disabled", false);
  });
});
