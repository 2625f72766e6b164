import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { renderApp } from "../../test/fakeApp";
import { collectionAction } from "../../test/menus";

async function openSecrets(user: ReturnType<typeof userEvent.setup>) {
  const tree = screen.getByRole("tree", { name: "Collections" });
  await within(tree).findByText("Baton demo");
  await user.click(within(tree).getByText("Baton demo"));
  await collectionAction(user, "Baton demo", "Environments…");
  return screen.findByRole("region", { name: "Secrets" });
}

async function setSecret(user: ReturnType<typeof userEvent.setup>, section: HTMLElement, name: string, value: string) {
  const form = within(section).getByRole("form", { name: "Set a secret" });
  await user.type(within(form).getByLabelText("name"), name);
  await user.type(within(form).getByLabelText("value"), value);
  await user.click(within(form).getByRole("button", { name: "Set secret" }));
}

describe("Secrets", () => {
  it("sets a secret in the OS keyring: listed by name and where it is kept, its value never shown", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp();
    const section = await openSecrets(user);
    expect(within(section).getByText("No secrets yet.")).toBeTruthy();
    expect(section.textContent).toContain("{{secret.NAME}}");
    const value = within(section).getByLabelText<HTMLInputElement>("value");
    expect(value.type).toBe("password");

    await setSecret(user, section, "order-service", "s3cr3t-value");
    const table = await within(section).findByRole("table", { name: "Secrets" });
    const rows = within(table).getAllByRole("row").slice(1).map((r) => [...r.querySelectorAll("td")].slice(0, 2).map((c) => c.textContent));
    expect(rows).toEqual([["order-service", "OS keyring"]]);
    expect(backend.secrets.get("order-service")?.value).toBe("s3cr3t-value");
    // Neither the page nor the form keeps the value once it is saved.
    expect(document.body.innerHTML).not.toContain("s3cr3t-value");
    expect(within(section).getByLabelText<HTMLInputElement>("value").value).toBe("");
    expect(within(section).queryByRole("note")).toBeNull();
  });

  it("deletes a secret only once confirmed", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp();
    const section = await openSecrets(user);
    await setSecret(user, section, "api-key", "k");
    await user.click(await within(section).findByRole("button", { name: "Delete secret api-key" }));
    await user.click(within(section).getByRole("button", { name: "Keep" }));
    expect(backend.secrets.has("api-key")).toBe(true);

    await user.click(within(section).getByRole("button", { name: "Delete secret api-key" }));
    await user.click(within(within(section).getByRole("group", { name: "Delete secret api-key?" })).getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(within(section).getByText("No secrets yet.")).toBeTruthy());
    expect(backend.secrets.has("api-key")).toBe(false);
  });

  it("warns, without an OS keyring, that secrets are kept unencrypted in Baton's store", async () => {
    const user = userEvent.setup();
    renderApp({ keyring: { available: false, problem: "no Secret Service on the session bus" } });
    const section = await openSecrets(user);
    const note = await within(section).findByRole("note");
    expect(note.textContent).toBe(
      "No OS keyring is available (no Secret Service on the session bus): secrets are kept in Baton's store on this machine, unencrypted. They are never written to exported collection files.",
    );
    await setSecret(user, section, "order-service", "x");
    const table = await within(section).findByRole("table", { name: "Secrets" });
    expect(within(table).getByText("Baton's store")).toBeTruthy();
  });
});
