import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { renderApp } from "../../test/fakeApp";

describe("Importing a collection file", () => {
  it("shows Importing… while the file is read, then the collection", async () => {
    const user = userEvent.setup();
    const path = "/home/me/partner.baton.toml";
    const { backend } = renderApp({
      dialog: { open: path },
      importFiles: { [path]: { name: "Partner flows" } },
      holdImports: true,
    });
    const toolbar = screen.getByRole("toolbar", { name: "Collection actions" });
    await user.click(within(toolbar).getByRole("button", { name: "Import…" }));

    const busy = await within(toolbar).findByRole("button", { name: "Importing…" });
    expect(busy.hasAttribute("disabled")).toBe(true);
    expect(busy.getAttribute("aria-busy")).toBe("true");
    expect(backend.calls.filter((c) => c.cmd === "import_collection").map((c) => c.args)).toEqual([{ grant: "file-1" }]);

    backend.releaseImport();
    expect(await within(screen.getByRole("tree", { name: "Collections" })).findByText("Partner flows")).toBeTruthy();
    await waitFor(() => expect(within(toolbar).getByRole("button", { name: "Import…" }).hasAttribute("disabled")).toBe(false));
    expect(screen.getByRole("status").textContent).toContain("Imported “Partner flows”");
  });
});
