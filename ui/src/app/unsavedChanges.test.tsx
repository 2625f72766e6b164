import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { renderApp } from "../test/fakeApp";
import { collectionAction } from "../test/menus";

type CloseHandler = (event: { preventDefault: () => void }) => unknown;

// The app's window, as far as closing goes: the test asks to close it, as the title bar's × would.
const win = vi.hoisted(() => ({ onClose: null as CloseHandler | null, destroy: vi.fn(async () => {}) }));
vi.mock("@tauri-apps/api/window", () => ({
  getCurrentWindow: () => ({
    onCloseRequested: async (handler: CloseHandler) => {
      win.onClose = handler;
      return () => {
        if (win.onClose === handler) win.onClose = null;
      };
    },
    destroy: win.destroy,
  }),
}));

/** Asks the window to close; resolves to whether the app held the close. */
async function requestClose() {
  const preventDefault = vi.fn();
  await act(async () => {
    await win.onClose?.({ preventDefault });
  });
  return preventDefault.mock.calls.length > 0;
}

async function editEnvironment(user: ReturnType<typeof userEvent.setup>) {
  const tree = screen.getByRole("tree", { name: "Collections" });
  await within(tree).findByText("Baton demo");
  await user.click(within(tree).getByText("Baton demo"));
  await collectionAction(user, "Baton demo", "Environments…");
  const section = await screen.findByRole("region", { name: "Environment lab" });
  await user.type(within(section).getByLabelText("Variable 1 value"), "/v2");
  return section;
}

describe("Closing the window with unsaved changes", () => {
  beforeEach(() => win.destroy.mockClear());

  it("closes at once when nothing is unsaved", async () => {
    renderApp();
    await waitFor(() => expect(win.onClose).not.toBeNull());
    expect(await requestClose()).toBe(false);
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("holds the close while an environment has unsaved edits, and Keep editing keeps them", async () => {
    const user = userEvent.setup();
    renderApp();
    const section = await editEnvironment(user);

    expect(await requestClose()).toBe(true);
    const dialog = await screen.findByRole("dialog", { name: "Unsaved changes" });
    expect(dialog.textContent).toContain("Discard unsaved changes to the environment “lab”?");
    await user.click(within(dialog).getByRole("button", { name: "Keep editing" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(win.destroy).not.toHaveBeenCalled();
    expect(within(section).getByLabelText<HTMLInputElement>("Variable 1 value").value).toBe("http://127.0.0.1:8693/v2");

    // Saved, nothing is left to lose.
    await user.click(within(section).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(within(section).getByRole("button", { name: "Save" }).hasAttribute("disabled")).toBe(true));
    expect(await requestClose()).toBe(false);
  });

  it("Close anyway closes the window", async () => {
    const user = userEvent.setup();
    renderApp();
    await editEnvironment(user);
    expect(await requestClose()).toBe(true);
    const dialog = await screen.findByRole("dialog", { name: "Unsaved changes" });
    await user.click(within(dialog).getByRole("button", { name: "Close anyway" }));
    expect(win.destroy).toHaveBeenCalledTimes(1);
  });

  it("counts a collection run still going as unsaved work", async () => {
    const user = userEvent.setup();
    renderApp({ holdCollectionRuns: true });
    const tree = screen.getByRole("tree", { name: "Collections" });
    await within(tree).findByText("Baton demo");
    await user.click(within(tree).getByText("Baton demo"));
    await collectionAction(user, "Baton demo", "Run collection…");
    await user.click(await screen.findByRole("button", { name: "Run all" }));
    await screen.findByRole("button", { name: "Cancel" });
    expect(await requestClose()).toBe(true);
    expect((await screen.findByRole("dialog", { name: "Unsaved changes" })).textContent).toContain("the run of “Baton demo” still going");
  });

  it("counts an edited step form as unsaved work", async () => {
    const user = userEvent.setup();
    renderApp();
    const tree = screen.getByRole("tree", { name: "Collections" });
    await within(tree).findByText("Baton demo");
    await user.click(within(tree).getByText("Baton demo"));
    await user.click(await within(tree).findByText("7. Refusals"));
    await user.click(await screen.findByText(/^Scope escalation/));
    const form = await screen.findByRole("form", { name: /^Edit step/ });
    expect(await requestClose()).toBe(false);
    const name = within(form).getByLabelText(/^name/);
    await user.type(name, " (edited)");
    expect(await requestClose()).toBe(true);
    expect((await screen.findByRole("dialog", { name: "Unsaved changes" })).textContent).toContain("the step “escalation”");
  });
});
