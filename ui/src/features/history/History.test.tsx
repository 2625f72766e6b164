import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { RunView } from "../../api/types";
import { agentChainRun, refusalsFailedRun, renderApp } from "../../test/fakeApp";

type User = ReturnType<typeof userEvent.setup>;

async function openScenario(user: User, name: RegExp) {
  const tree = await screen.findByRole("tree", { name: "Collections" });
  await user.click(await within(tree).findByText("Baton demo"));
  await user.click(await within(tree).findByText(name));
  await screen.findByRole("heading", { level: 1, name });
}

async function openHistory(user: User) {
  await user.click(screen.getByRole("button", { name: "History" }));
  return screen.findByRole("region", { name: "Run history" });
}

const statusOf = (id: string) => document.querySelector(`[data-step="${id}"] [data-status]`)?.getAttribute("data-status");
const historyRows = () => screen.getAllByTestId("run-history-row");

/** The refusals run again an hour later, when the server let the escalation through. */
function refusalsPassed(): RunView {
  const view = structuredClone(refusalsFailedRun);
  view.record.started_at += 3600;
  view.record.outcome = "passed";
  const step = view.record.steps.find((s) => s.id === "escalation")!;
  step.status = "passed";
  step.assertions = step.assertions.map((a) => ({ ...a, passed: true }));
  return view;
}

/** The three-hop chain run again, with the last hop issued for another audience. */
function chainWithOtherAudience(): RunView {
  const view = structuredClone(agentChainRun);
  view.record.started_at += 3600;
  const hop3 = view.record.steps.find((s) => s.id === "hop-3")!;
  if (hop3.token?.decoded.kind !== "jwt") throw new Error("hop-3 has no JWT in the fixture");
  hop3.token.decoded.claims.aud = "billing-api";
  return view;
}

describe("A scenario's run history", () => {
  it("lists the saved runs newest first, opens an earlier one, and goes back to the latest", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp();
    backend.addHistory(refusalsFailedRun);
    backend.addHistory(refusalsPassed());
    await openScenario(user, /Refusals/);
    await waitFor(() => expect(statusOf("escalation")).toBe("passed"));

    await openHistory(user);
    const rows = historyRows();
    expect(rows.map((r) => r.getAttribute("data-run-id"))).toEqual(["2", "1"]);
    expect(rows.map((r) => r.getAttribute("data-outcome"))).toEqual(["passed", "failed"]);
    expect(rows[0]!.textContent).toContain("16 ms");
    expect(rows[0]!.getAttribute("aria-current")).toBe("true");

    await user.click(within(rows[1]!).getByRole("button", { name: /^Open run #1, failed/ }));
    const shown = await screen.findByRole("status", { name: "Shown run" });
    expect(shown.textContent).toContain("Run #1");
    await waitFor(() => expect(statusOf("escalation")).toBe("failed"));
    expect(historyRows()[1]!.getAttribute("aria-current")).toBe("true");

    await user.click(screen.getByRole("button", { name: "Back to latest run" }));
    expect(screen.queryByRole("status", { name: "Shown run" })).toBeNull();
    expect(statusOf("escalation")).toBe("passed");
  });

  it("compares two runs and names the claim that changed", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp();
    backend.addHistory(agentChainRun);
    backend.addHistory(chainWithOtherAudience());
    await openScenario(user, /three-hop act chain/);
    await openHistory(user);

    const compare = screen.getByRole("button", { name: "Compare runs" });
    expect(compare).toHaveProperty("disabled", true);
    await user.click(screen.getByRole("checkbox", { name: "Pick run #2 to compare" }));
    await user.click(screen.getByRole("checkbox", { name: "Pick run #1 to compare" }));
    await user.click(screen.getByRole("button", { name: "Compare runs #1 and #2" }));

    expect(backend.calls.filter((c) => c.cmd === "diff_runs")).toEqual([{ cmd: "diff_runs", args: { before: 1, after: 2 } }]);
    const diff = await screen.findByRole("region", { name: "Differences from run #1 to run #2" });
    const changes = within(diff).getAllByRole("listitem");
    expect(changes).toHaveLength(1);
    expect(changes[0]!.textContent).toContain("Payment agent → payments API");
    expect(changes[0]!.textContent).toContain("Claim aud: “payments-api” → “billing-api”");
  });

  it("says so when two runs do not differ", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp();
    backend.addHistory(agentChainRun);
    backend.addHistory(agentChainRun);
    await openScenario(user, /three-hop act chain/);
    await openHistory(user);
    await user.click(screen.getByRole("checkbox", { name: "Pick run #1 to compare" }));
    await user.click(screen.getByRole("checkbox", { name: "Pick run #2 to compare" }));
    await user.click(screen.getByRole("button", { name: "Compare runs #1 and #2" }));
    const diff = await screen.findByRole("region", { name: "Differences from run #1 to run #2" });
    expect(diff.textContent).toContain("No differences");
  });

  it("lists a run as soon as it finishes", async () => {
    const user = userEvent.setup();
    renderApp();
    await openScenario(user, /three-hop act chain/);
    const panel = await openHistory(user);
    expect(await within(panel).findByText(/No saved runs yet/)).toBeTruthy();

    await user.click(screen.getByRole("button", { name: /^Run/ }));
    await waitFor(() => expect(historyRows()).toHaveLength(1), { timeout: 5000 });
    expect(historyRows()[0]!.getAttribute("data-outcome")).toBe("passed");
  });
});
