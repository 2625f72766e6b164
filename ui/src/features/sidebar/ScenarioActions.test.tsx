import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { Collection } from "../../api/types";
import { demoCollection, renderApp } from "../../test/fakeApp";
import { collectionAction, scenarioAction } from "../../test/menus";

const tree = () => screen.getByRole("tree", { name: "Collections" });
const collectionItem = (name: string) =>
  within(tree()).getAllByRole("treeitem").find((el) => el.querySelector(":scope > .tree__row .tree__label")?.textContent === name);
const scenarioLabels = (name: string) =>
  [...(collectionItem(name)?.querySelectorAll("[role=group] .tree__label") ?? [])].map((e) => e.textContent);
const ids = (c: unknown) => ((c as Collection).scenarios ?? []).map((s) => s.id);
const demoIds = (demoCollection.scenarios ?? []).map((s) => s.id);

async function openDemo(user: ReturnType<typeof userEvent.setup>) {
  await waitFor(() => expect(collectionItem("Baton demo")).toBeDefined());
  await user.click(within(collectionItem("Baton demo")!).getByText("Baton demo"));
  await within(tree()).findByText(/Refusals/);
}

describe("Scenario actions", () => {
  it("creates an empty “New scenario” with a unique id, saves the collection and opens it", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp();
    await openDemo(user);
    await collectionAction(user, "Baton demo", "New scenario");

    expect(await screen.findByRole("heading", { level: 1, name: "New scenario" })).toBeTruthy();
    expect(scenarioLabels("Baton demo").at(-1)).toBe("New scenario");
    expect(ids(backend.store.get("Baton demo"))).toEqual([...demoIds, "new-scenario"]);

    await collectionAction(user, "Baton demo", "New scenario");
    await waitFor(() => expect(scenarioLabels("Baton demo").at(-1)).toBe("New scenario 2"));
    expect(ids(backend.store.get("Baton demo"))).toEqual([...demoIds, "new-scenario", "new-scenario-2"]);
  });

  it("renames a scenario in place with F2, and the tree shows the new name", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp();
    await openDemo(user);
    const row = within(tree()).getByText("7. Refusals").closest("li")!;
    row.focus();
    await user.keyboard("{F2}");
    const input = await screen.findByLabelText("Scenario name");
    await user.clear(input);
    await user.type(input, "Refusals, renamed{Enter}");

    await waitFor(() => expect(scenarioLabels("Baton demo")).toContain("Refusals, renamed"));
    expect(scenarioLabels("Baton demo")).not.toContain("7. Refusals");
    const saved = backend.store.get("Baton demo") as Collection;
    expect(saved.scenarios?.find((s) => s.id === "refusals")?.name).toBe("Refusals, renamed");
  });

  it("duplicates the open scenario under a unique id, right after it", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp();
    await openDemo(user);
    await scenarioAction(user, "7. Refusals", "Duplicate");
    await waitFor(() => expect(scenarioLabels("Baton demo")).toContain("7. Refusals copy"));
    await scenarioAction(user, "7. Refusals copy", "Duplicate");
    await waitFor(() => expect(scenarioLabels("Baton demo")).toContain("7. Refusals copy copy"));

    const saved = backend.store.get("Baton demo") as Collection;
    const all = ids(saved);
    expect(new Set(all).size).toBe(all.length);
    const after = demoIds.indexOf("refusals") + 1;
    expect(all).toEqual([...demoIds.slice(0, after), "refusals-copy", "refusals-copy-copy", ...demoIds.slice(after)]);
    const original = demoCollection.scenarios!.find((s) => s.id === "refusals")!;
    expect(saved.scenarios![after]!.steps).toEqual(original.steps);
  });

  it("deletes a scenario, and Undo puts it back in its place", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp();
    await openDemo(user);
    await scenarioAction(user, "2. API gateway: a backend-specific token", "Delete");

    await waitFor(() => expect(scenarioLabels("Baton demo")).not.toContain("2. API gateway: a backend-specific token"));
    expect(ids(backend.store.get("Baton demo"))).toEqual(demoIds.filter((id) => id !== "api-gateway"));
    expect(screen.getByRole("status").textContent).toContain("Deleted scenario “2. API gateway: a backend-specific token”");

    await user.click(screen.getByRole("button", { name: "Undo" }));
    await waitFor(() => expect(scenarioLabels("Baton demo")).toEqual(demoCollection.scenarios!.map((s) => s.name)));
    expect(backend.store.get("Baton demo")).toEqual(demoCollection);
  });

  it("deletes the focused scenario with the Delete key", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp();
    await openDemo(user);
    within(tree()).getByText("7. Refusals").closest("li")!.focus();
    await user.keyboard("{Delete}");
    await waitFor(() => expect(scenarioLabels("Baton demo")).not.toContain("7. Refusals"));
    expect(ids(backend.store.get("Baton demo"))).toEqual(demoIds.filter((id) => id !== "refusals"));
  });
});
