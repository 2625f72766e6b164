import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { renderApp } from "../test/fakeApp";
import { collectionAction } from "../test/menus";

const overlay = () => screen.queryByRole("dialog", { name: "Keyboard shortcuts" });

describe("The keyboard shortcut overlay", () => {
  it("opens on ?, lists the app's keys, closes on Esc and gives focus back", async () => {
    const user = userEvent.setup();
    renderApp();
    const tree = screen.getByRole("tree", { name: "Collections" });
    await within(tree).findByText("Baton demo");
    await user.click(within(tree).getByText("Baton demo"));
    const item = within(tree).getAllByRole("treeitem")[0]!;
    expect(document.activeElement).toBe(item);

    await user.keyboard("?");
    const dialog = await screen.findByRole("dialog", { name: "Keyboard shortcuts" });
    const rows = [...dialog.querySelectorAll(".shortcuts__row")].map((r) => r.textContent);
    expect(rows).toContain("Ctrl+EnterRun the open scenario");
    expect(rows).toContain("F2Rename the collection or scenario");
    expect(rows.some((r) => r?.startsWith("Delete"))).toBe(true);
    expect(rows.some((r) => r?.startsWith("Esc"))).toBe(true);
    // Other features' keys join the list: presentation mode's, the lab policy editor's.
    expect(rows).toContain("PPresent the open scenario, one step at a time (when not typing)");
    expect(rows).toContain("Ctrl+SApply the policy (the lab restarts with it)");
    expect(dialog.contains(document.activeElement)).toBe(true);

    // Tab stays inside the dialog.
    await user.tab();
    expect(dialog.contains(document.activeElement)).toBe(true);

    await user.keyboard("{Escape}");
    await waitFor(() => expect(overlay()).toBeNull());
    expect(document.activeElement).toBe(item);
  });

  it("opens from the toolbar's ? button, and closes with its × button", async () => {
    const user = userEvent.setup();
    renderApp();
    await user.click(within(screen.getByRole("toolbar", { name: "App" })).getByRole("button", { name: "Keyboard shortcuts" }));
    const dialog = await screen.findByRole("dialog", { name: "Keyboard shortcuts" });
    await user.click(within(dialog).getByRole("button", { name: "Close" }));
    expect(overlay()).toBeNull();
  });

  it("does not open when ? is typed into a field", async () => {
    const user = userEvent.setup();
    renderApp();
    const tree = screen.getByRole("tree", { name: "Collections" });
    await within(tree).findByText("Baton demo");
    await user.click(within(tree).getByText("Baton demo"));
    await collectionAction(user, "Baton demo", "Environments…");
    const section = await screen.findByRole("region", { name: "Environment lab" });
    const value = within(section).getByLabelText<HTMLInputElement>("Variable 1 value");
    await user.clear(value);
    await user.type(value, "https://sts.example/?x=1");
    expect(value.value).toBe("https://sts.example/?x=1");
    expect(overlay()).toBeNull();
  });
});
