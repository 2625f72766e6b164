import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { demoCollection, emptyCollection, renderApp } from "../../test/fakeApp";
import { collectionAction } from "../../test/menus";

const tree = () => screen.getByRole("tree", { name: "Collections" });
const collectionItem = (name: string) =>
  within(tree()).getAllByRole("treeitem").find((el) => el.querySelector(":scope > .tree__row .tree__label")?.textContent === name);

describe("Sidebar", () => {
  it("lists the collections, and a collection's scenarios when it is opened", async () => {
    const user = userEvent.setup();
    renderApp();
    await waitFor(() => expect(collectionItem("Baton demo")).toBeDefined());
    expect(collectionItem("Scratch")).toBeDefined();
    expect(within(tree()).queryByText(/three-hop act chain/)).toBeNull();

    await user.click(within(collectionItem("Baton demo")!).getByText("Baton demo"));

    const names = (demoCollection.scenarios ?? []).map((s) => s.name);
    for (const name of names) expect(await within(tree()).findByText(name)).toBeTruthy();
    expect(collectionItem("Baton demo")!.getAttribute("aria-expanded")).toBe("true");
  });

  it("opens the only collection of a fresh workspace, so its scenarios show at once", async () => {
    renderApp({ collections: [demoCollection] });
    const names = (demoCollection.scenarios ?? []).map((s) => s.name);
    for (const name of names) expect(await within(tree()).findByText(name)).toBeTruthy();
    expect(collectionItem("Baton demo")!.getAttribute("aria-expanded")).toBe("true");
  });

  it("opens the demo of a fresh workspace of built-in collections, and only the demo", async () => {
    renderApp({ collections: [demoCollection, emptyCollection], opens: "Baton demo" });
    const names = (demoCollection.scenarios ?? []).map((s) => s.name);
    for (const name of names) expect(await within(tree()).findByText(name)).toBeTruthy();
    expect(collectionItem("Baton demo")!.getAttribute("aria-expanded")).toBe("true");
    expect(collectionItem("Scratch")!.getAttribute("aria-expanded")).not.toBe("true");
  });

  it("deletes a collection, and Undo saves what was deleted", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp();
    await waitFor(() => expect(collectionItem("Baton demo")).toBeDefined());

    await collectionAction(user, "Baton demo", "Delete");

    await waitFor(() => expect(collectionItem("Baton demo")).toBeUndefined());
    expect(backend.store.has("Baton demo")).toBe(false);
    expect(screen.getByRole("status").textContent).toContain("Deleted “Baton demo”");

    await user.click(screen.getByRole("button", { name: "Undo" }));

    await waitFor(() => expect(collectionItem("Baton demo")).toBeDefined());
    const save = backend.calls.find((c) => c.cmd === "save_collection");
    expect(save?.args).toEqual({ collection: demoCollection });
    expect(backend.store.get("Baton demo")).toEqual(demoCollection);
  });

  it("is navigable with the keyboard: arrows move, Right opens, Enter opens a scenario", async () => {
    const user = userEvent.setup();
    renderApp();
    await waitFor(() => expect(collectionItem("Scratch")).toBeDefined());

    collectionItem("Baton demo")!.focus();
    await user.keyboard("{ArrowDown}");
    expect(document.activeElement).toBe(collectionItem("Scratch"));
    await user.keyboard("{ArrowUp}{ArrowRight}");
    await within(tree()).findByText(/three-hop act chain/);
    await user.keyboard("{ArrowRight}");
    expect(document.activeElement?.textContent).toContain("1. Microservices");
    await user.keyboard("{ArrowDown}{ArrowDown}{ArrowDown}{ArrowDown}{ArrowDown}");
    expect(document.activeElement?.textContent).toContain("three-hop act chain");
    await user.keyboard("{Enter}");

    expect(await screen.findByRole("heading", { level: 1, name: /three-hop act chain/ })).toBeTruthy();
    await user.keyboard("{ArrowLeft}");
    expect(document.activeElement).toBe(collectionItem("Baton demo"));
  });

  it("shows a command's error message", async () => {
    renderApp({ failures: { workspace: { code: "store", message: "the database is locked", detail: "SQLITE_BUSY" } } });
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("the database is locked");
    expect(alert.textContent).toContain("Storage error");
  });
});
