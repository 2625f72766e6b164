import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { renderApp } from "../../test/fakeApp";

const tree = () => screen.getByRole("tree", { name: "Collections" });
const collectionItem = (name: string) =>
  within(tree()).getAllByRole("treeitem").find((el) => el.querySelector(":scope > .tree__row .tree__label")?.textContent === name);
const itemNames = (menu: HTMLElement) => within(menu).getAllByRole("menuitem").map((i) => i.textContent?.replace(/(F2|Del|Enter)$/, ""));

async function openDemo(user: ReturnType<typeof userEvent.setup>) {
  await waitFor(() => expect(collectionItem("Baton demo")).toBeDefined());
  await user.click(within(collectionItem("Baton demo")!).getByText("Baton demo"));
  await within(tree()).findByText("7. Refusals");
}

describe("The sidebar's menus", () => {
  it("has only New collection and Import at the top; the rest is in each row's menu", async () => {
    renderApp();
    await waitFor(() => expect(collectionItem("Scratch")).toBeDefined());
    const toolbar = screen.getByRole("toolbar", { name: "Collection actions" });
    expect(within(toolbar).getAllByRole("button").map((b) => b.textContent)).toEqual(["New collection", "Import…"]);
  });

  it("opens a collection's menu by click with every action, and Escape closes it and gives focus back", async () => {
    const user = userEvent.setup();
    renderApp();
    await waitFor(() => expect(collectionItem("Scratch")).toBeDefined());
    const button = screen.getByRole("button", { name: "Actions for “Scratch”" });
    expect(button.getAttribute("aria-haspopup")).toBe("menu");
    await user.click(button);

    const menu = screen.getByRole("menu", { name: "Actions for “Scratch”" });
    expect(button.getAttribute("aria-expanded")).toBe("true");
    expect(itemNames(menu)).toEqual(["New scenario", "Run collection…", "Environments…", "Rename", "Duplicate", "Export…", "Delete"]);
    expect(document.activeElement).toBe(within(menu).getByRole("menuitem", { name: /New scenario/ }));
    // Opening the menu neither selects nor opens the row.
    expect(collectionItem("Scratch")!.getAttribute("aria-expanded")).toBe("false");

    await user.keyboard("{Escape}");
    expect(screen.queryByRole("menu")).toBeNull();
    expect(document.activeElement).toBe(button);
  });

  it("is worked with the keyboard: Enter opens, arrows move and wrap, Enter chooses", async () => {
    const user = userEvent.setup();
    renderApp();
    await waitFor(() => expect(collectionItem("Scratch")).toBeDefined());
    collectionItem("Baton demo")!.focus();
    await user.keyboard("{ArrowDown}");
    // The row that is the tree's tab stop has its menu button next in the tab order.
    await user.tab();
    const button = screen.getByRole("button", { name: "Actions for “Scratch”" });
    expect(document.activeElement).toBe(button);
    await user.keyboard("{Enter}");
    const menu = screen.getByRole("menu", { name: "Actions for “Scratch”" });
    await user.keyboard("{ArrowUp}");
    expect(document.activeElement?.textContent).toBe("Delete");
    await user.keyboard("{ArrowDown}");
    expect(document.activeElement?.textContent).toBe("New scenario");
    await user.keyboard("{End}{ArrowUp}{ArrowUp}");
    expect(document.activeElement?.textContent).toBe("Duplicate");
    await user.keyboard("{Home}{ArrowDown}{ArrowDown}{ArrowDown}");
    expect(document.activeElement?.textContent).toBe("RenameF2");
    await user.keyboard("{Enter}");
    expect(menu.isConnected).toBe(false);
    expect(document.activeElement).toBe(await screen.findByLabelText("Collection name"));

    // Space opens it too, and Tab closes it.
    await user.keyboard("{Escape}");
    button.focus();
    await user.keyboard(" ");
    expect(screen.getByRole("menu")).toBeTruthy();
    await user.tab();
    expect(screen.queryByRole("menu")).toBeNull();
  });

  it("opens the same actions on a right click, and a click outside closes the menu", async () => {
    const user = userEvent.setup();
    renderApp();
    await openDemo(user);
    fireEvent.contextMenu(within(tree()).getByText("7. Refusals"), { clientX: 40, clientY: 300 });
    const menu = screen.getByRole("menu", { name: "Actions for scenario “7. Refusals”" });
    expect(itemNames(menu)).toEqual(["Open", "Rename", "Duplicate", "Delete"]);
    expect(menu.style.left).toBe("40px");
    // The collection's own menu did not open under it.
    expect(screen.getAllByRole("menu")).toHaveLength(1);

    await user.click(screen.getByRole("heading", { name: "Collections" }));
    expect(screen.queryByRole("menu")).toBeNull();

    fireEvent.contextMenu(within(collectionItem("Baton demo")!).getByText("Baton demo"));
    expect(itemNames(screen.getByRole("menu", { name: "Actions for “Baton demo”" }))).toContain("Export…");
  });

  it("opens a row's menu with Shift+F10, and Escape gives focus back to the row", async () => {
    const user = userEvent.setup();
    renderApp();
    await openDemo(user);
    const row = within(tree()).getByText("7. Refusals").closest("li")!;
    row.focus();
    await user.keyboard("{Shift>}{F10}{/Shift}");
    expect(screen.getByRole("menu", { name: "Actions for scenario “7. Refusals”" })).toBeTruthy();
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("menu")).toBeNull();
    expect(document.activeElement).toBe(row);
    // The tree's keys still work after.
    await user.keyboard("{ArrowUp}");
    expect(document.activeElement?.textContent).toContain("6. Agents");
  });

  it("reaches every action: a scenario opened, renamed, duplicated and deleted from its menu", async () => {
    const user = userEvent.setup();
    renderApp();
    await openDemo(user);
    const choose = async (scenario: string, action: RegExp) => {
      fireEvent.contextMenu(within(tree()).getByText(scenario));
      await user.click(screen.getByRole("menuitem", { name: action }));
    };
    await choose("7. Refusals", /^Open/);
    expect(await screen.findByRole("heading", { level: 1, name: "7. Refusals" })).toBeTruthy();
    await choose("7. Refusals", /^Duplicate/);
    await within(tree()).findByText("7. Refusals copy");
    await choose("7. Refusals copy", /^Rename/);
    const input = await screen.findByLabelText("Scenario name");
    await user.clear(input);
    await user.type(input, "Spare{Enter}");
    await within(tree()).findByText("Spare");
    await choose("Spare", /^Delete/);
    await waitFor(() => expect(within(tree()).queryByText("Spare")).toBeNull());
  });

  it("opens the collection runner and the environments of the collection whose menu was used", async () => {
    const user = userEvent.setup();
    renderApp();
    await waitFor(() => expect(collectionItem("Scratch")).toBeDefined());
    await user.click(screen.getByRole("button", { name: "Actions for “Baton demo”" }));
    await user.click(screen.getByRole("menuitem", { name: "Run collection…" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Run “Baton demo”" })).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Actions for “Baton demo”" }));
    await user.click(screen.getByRole("menuitem", { name: "Environments…" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Environments of “Baton demo”" })).toBeTruthy();
  });
});

describe("Opening and closing collections", () => {
  it("never closes a collection on a click of its row; only its chevron or Left closes it", async () => {
    const user = userEvent.setup();
    renderApp();
    await openDemo(user);
    const demo = collectionItem("Baton demo")!;
    expect(demo.getAttribute("aria-expanded")).toBe("true");

    await user.click(within(demo).getByText("Baton demo"));
    expect(demo.getAttribute("aria-expanded")).toBe("true");
    expect(within(tree()).getByText("7. Refusals")).toBeTruthy();
    expect(demo.getAttribute("aria-selected")).toBe("true");

    await user.click(demo.querySelector<HTMLElement>(":scope > .tree__row .tree__twisty")!);
    expect(demo.getAttribute("aria-expanded")).toBe("false");
    expect(within(tree()).queryByText("7. Refusals")).toBeNull();
    await user.click(demo.querySelector<HTMLElement>(":scope > .tree__row .tree__twisty")!);
    await within(tree()).findByText("7. Refusals");

    demo.focus();
    await user.keyboard("{ArrowLeft}");
    expect(demo.getAttribute("aria-expanded")).toBe("false");
    await user.keyboard("{Enter}");
    await within(tree()).findByText("7. Refusals");
    await user.keyboard("{Enter}");
    expect(demo.getAttribute("aria-expanded")).toBe("true");
  });
});

describe("An empty collection", () => {
  it("offers to add its first scenario where its scenarios would be", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp();
    await waitFor(() => expect(collectionItem("Scratch")).toBeDefined());
    await user.click(within(collectionItem("Scratch")!).getByText("Scratch"));
    await user.click(await within(collectionItem("Scratch")!).findByRole("button", { name: "Add one" }));
    expect(await screen.findByRole("heading", { level: 1, name: "New scenario" })).toBeTruthy();
    expect((backend.store.get("Scratch") as { scenarios?: { id: string }[] }).scenarios?.map((s) => s.id)).toEqual(["new-scenario"]);
  });
});
