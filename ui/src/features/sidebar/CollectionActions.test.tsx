import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { renderApp } from "../../test/fakeApp";
import { collectionAction } from "../../test/menus";

const tree = () => screen.getByRole("tree", { name: "Collections" });
const labels = () => [...tree().querySelectorAll(":scope > li > .tree__row .tree__label")].map((e) => e.textContent);

describe("Collection actions", () => {
  it("creates a collection and names it in place", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp();
    await waitFor(() => expect(labels()).toEqual(["Baton demo", "Scratch"]));
    await user.click(screen.getByRole("button", { name: "New collection" }));
    const input = await screen.findByLabelText("Collection name");
    await user.clear(input);
    await user.type(input, "Payments{Enter}");
    await waitFor(() => expect(labels()).toContain("Payments"));
    expect(backend.calls.filter((c) => c.cmd !== "workspace").map((c) => [c.cmd, c.args])).toEqual([
      ["save_collection", { collection: { name: "Untitled collection" } }],
      ["rename_collection", { from: "Untitled collection", to: "Payments" }],
    ]);
  });

  it("duplicates under a free name, and a rename to a taken name shows the conflict", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp();
    await waitFor(() => expect(labels()).toContain("Scratch"));
    await collectionAction(user, "Scratch", "Duplicate");
    await waitFor(() => expect(labels()).toContain("Scratch copy"));
    expect(backend.calls.find((c) => c.cmd === "duplicate_collection")?.args).toEqual({ from: "Scratch", to: "Scratch copy" });

    await collectionAction(user, "Scratch copy", "Rename");
    const input = await screen.findByLabelText("Collection name");
    await user.clear(input);
    await user.type(input, "Baton demo{Enter}");
    expect((await screen.findByRole("alert")).textContent).toContain("a collection named “Baton demo” already exists");
    expect(labels()).toContain("Scratch copy");
  });

  it("exports the selected collection to the file the save dialog gives", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp({ dialog: { save: "/home/me/baton-demo.baton.toml" } });
    await waitFor(() => expect(labels()).toContain("Baton demo"));
    await collectionAction(user, "Baton demo", "Export…");
    await waitFor(() => expect(screen.getByRole("status").textContent).toContain("Exported “Baton demo” to /home/me/baton-demo.baton.toml"));
    expect(backend.calls.find((c) => c.cmd === "choose_file")?.args).toEqual({ purpose: "export_collection", name: "Baton demo" });
    expect(backend.calls.find((c) => c.cmd === "export_collection")?.args).toEqual({ name: "Baton demo", grant: "file-1" });
  });

  it("imports a file: a broken one shows where it is broken, and changes nothing", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp({ dialog: { open: "/home/me/broken.baton.toml" } });
    await waitFor(() => expect(labels()).toEqual(["Baton demo", "Scratch"]));
    await user.click(screen.getByRole("button", { name: "Import…" }));
    expect((await screen.findByRole("alert")).textContent).toContain("/home/me/broken.baton.toml:1:1: not a Baton collection");
    expect(backend.calls.find((c) => c.cmd === "choose_file")?.args).toEqual({ purpose: "import_collection", name: null });
    expect(backend.calls.find((c) => c.cmd === "import_collection")?.args).toEqual({ grant: "file-1" });
    expect(labels()).toEqual(["Baton demo", "Scratch"]);
  });
});
