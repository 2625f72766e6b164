import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { renderApp } from "../../test/fakeApp";
import { collectionAction } from "../../test/menus";

const CHAIN = "6. Agents delegating to agents: a three-hop act chain";
const REFUSALS = "7. Refusals";

type User = ReturnType<typeof userEvent.setup>;

async function openRunner(user: User) {
  const tree = await screen.findByRole("tree", { name: "Collections" });
  await user.click(await within(tree).findByText("Baton demo"));
  await collectionAction(user, "Baton demo", "Run collection…");
  await screen.findByRole("heading", { level: 1, name: "Run “Baton demo”" });
}

async function pickOnly(user: User, names: string[]) {
  await user.click(screen.getByRole("button", { name: "Select none" }));
  for (const name of names) await user.click(screen.getByRole("checkbox", { name }));
}

const rows = () => screen.queryAllByTestId("scenario-result");
const row = (name: string) => {
  const found = rows().find((r) => r.querySelector(".runner-result__name")?.textContent === name);
  if (!found) throw new Error(`no result row for ${name}`);
  return found;
};
const statusOf = (name: string) => row(name).getAttribute("data-status");
const progress = () => screen.getByTestId("collection-progress");
// A whole collection run replays many steps' events; under a loaded machine that takes seconds.
const LONG = { timeout: 5000 };

describe("The collection runner", () => {
  it("runs every scenario by default and reports each one, a failing assertion as failed", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp();
    await openRunner(user);

    const boxes = screen.getAllByRole("checkbox");
    expect(boxes).toHaveLength(9);
    expect(boxes.every((b) => (b as HTMLInputElement).checked)).toBe(true);

    await user.click(screen.getByRole("button", { name: "Run all" }));
    const tally = await screen.findByRole("status", { name: "Collection run outcome" }, LONG);
    expect(tally.textContent).toContain("1 passed");
    expect(tally.textContent).toContain("1 failed");
    expect(tally.textContent).toContain("7 errors");
    expect(backend.calls.filter((c) => c.cmd === "run_collection")).toEqual([
      { cmd: "run_collection", args: { collection: "Baton demo", scenarioIds: null, environment: "lab" } },
    ]);

    expect(rows()).toHaveLength(9);
    expect(statusOf(CHAIN)).toBe("passed");
    expect(statusOf(REFUSALS)).toBe("failed");
    expect(progress().getAttribute("aria-valuenow")).toBe("9");

    // The failed scenario opens on its failure: the assertion that did not hold, marked failed.
    const failed = within(row(REFUSALS)).getByRole("list", { name: /^Assertions of Scope escalation/ });
    const assertion = within(failed).getByText(/HTTP status: expected 200, got 400 \(invalid_scope\)/).closest("li")!;
    expect(assertion.getAttribute("data-passed")).toBe("false");
    expect(assertion.textContent).toContain("failed:");
    // A scenario that could not run says why.
    expect(within(row("1. Microservices: narrow tokens for payment and shipping")).getByRole("note").textContent).toContain(
      "no run of “microservices”",
    );

    // A passed scenario keeps its assertions behind Details.
    expect(within(row(CHAIN)).queryByRole("list", { name: /^Assertions of/ })).toBeNull();
    await user.click(within(row(CHAIN)).getByRole("button", { name: `Show assertions of ${CHAIN}` }));
    const hop3 = within(row(CHAIN)).getByRole("list", { name: "Assertions of Payment agent → payments API" });
    expect(within(hop3).getAllByRole("listitem").every((li) => li.getAttribute("data-passed") === "true")).toBe(true);
  });

  it("runs only the scenarios picked", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp();
    await openRunner(user);
    await pickOnly(user, [REFUSALS, CHAIN]);
    await user.click(screen.getByRole("button", { name: "Run 2 selected" }));

    await waitFor(() => expect(statusOf(REFUSALS)).toBe("failed"), LONG);
    expect(rows().map((r) => r.querySelector(".runner-result__name")?.textContent)).toEqual([CHAIN, REFUSALS]);
    expect(backend.calls.find((c) => c.cmd === "run_collection")?.args).toEqual({
      collection: "Baton demo",
      scenarioIds: ["agent-chain", "refusals"],
      environment: "lab",
    });
  });

  it("shows the scenario and step running, advances, and on Cancel keeps what finished", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp({ holdCollectionRuns: true });
    await openRunner(user);
    await pickOnly(user, [CHAIN, REFUSALS]);
    await user.click(screen.getByRole("button", { name: "Run 2 selected" }));

    // Held after the first step of the first scenario: only the events can have told us this.
    await waitFor(() => expect(progress().parentElement!.textContent).toContain(`Scenario 1 of 2: ${CHAIN}`), LONG);
    expect(progress().parentElement!.textContent).toContain("step Bob signs in");
    expect(progress().getAttribute("aria-valuenow")).toBe("0");
    expect(statusOf(CHAIN)).toBe("running");
    expect(statusOf(REFUSALS)).toBe("waiting");
    expect(screen.getByRole("button", { name: "Running…" })).toHaveProperty("disabled", true);

    backend.releaseCollectionRun();
    await waitFor(() => expect(progress().parentElement!.textContent).toContain(`Scenario 2 of 2: ${REFUSALS}`), LONG);
    expect(progress().getAttribute("aria-valuenow")).toBe("1");
    expect(statusOf(CHAIN)).toBe("passed");
    // While the run goes on, a finished scenario's assertions can be read (from its saved run).
    await user.click(within(row(CHAIN)).getByRole("button", { name: `Show assertions of ${CHAIN}` }));
    expect(await within(row(CHAIN)).findByRole("list", { name: "Assertions of Payment agent → payments API" })).toBeTruthy();

    await user.click(screen.getByRole("button", { name: "Cancel" }));
    const tally = await screen.findByRole("status", { name: "Collection run outcome" }, LONG);
    expect(tally.textContent).toContain("Cancelled");
    expect(statusOf(CHAIN)).toBe("passed");
    expect(statusOf(REFUSALS)).toBe("cancelled");
    expect(within(row(CHAIN)).getByRole("button", { name: /^Open run #\d+ of 6\./ })).toBeTruthy();
    expect(backend.calls.some((c) => c.cmd === "cancel_collection_run")).toBe(true);
  });

  it("leaves the scenarios after a cancelled one not run", async () => {
    const user = userEvent.setup();
    renderApp({ holdCollectionRuns: true });
    await openRunner(user);
    await user.click(screen.getByRole("button", { name: "Run all" }));
    await waitFor(() => expect(statusOf(CHAIN)).toBe("running"), LONG);
    await user.click(screen.getByRole("button", { name: "Cancel" }));

    await waitFor(() => expect(statusOf(REFUSALS)).toBe("not_run"), LONG);
    expect(statusOf(CHAIN)).toBe("cancelled");
    expect(within(row(REFUSALS)).getByText("not run")).toBeTruthy();
    expect(statusOf("5. An AI assistant's narrow token")).toBe("error");
  });

  it("says why the run could not start, and leaves the scenarios not run", async () => {
    const user = userEvent.setup();
    renderApp({
      failures: { run_collection: { code: "conflict", message: "a collection run is already going; cancel it or wait for it to finish", detail: null } },
    });
    await openRunner(user);
    await pickOnly(user, [CHAIN]);
    await user.click(screen.getByRole("button", { name: "Run 1 selected" }));

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("a collection run is already going");
    await waitFor(() => expect(statusOf(CHAIN)).toBe("not_run"));
    expect(screen.getByRole("button", { name: "Run 1 selected" })).toHaveProperty("disabled", false);
  });

  it("opens a finished scenario's saved run in the scenario view", async () => {
    const user = userEvent.setup();
    renderApp();
    await openRunner(user);
    await pickOnly(user, [REFUSALS]);
    await user.click(screen.getByRole("button", { name: "Run 1 selected" }));
    const open = await screen.findByRole("button", { name: /^Open run #\d+ of 7\. Refusals/ }, LONG);
    const id = /#(\d+)/.exec(open.textContent ?? "")![1];
    await user.click(open);

    await screen.findByRole("heading", { level: 1, name: REFUSALS });
    const shown = await screen.findByRole("status", { name: "Shown run" });
    expect(shown.textContent).toContain(`Run #${id}`);
    await waitFor(() => expect(document.querySelector('[data-step="escalation"] [data-status]')?.getAttribute("data-status")).toBe("failed"));
  });
});
