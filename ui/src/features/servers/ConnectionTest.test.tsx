import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { renderApp } from "../../test/fakeApp";

const tree = () => screen.getByRole("tree", { name: "Collections" });

async function openServers(user: ReturnType<typeof userEvent.setup>) {
  await within(tree()).findByText("Baton demo");
  await user.click(within(tree()).getByText("Baton demo"));
  await user.click(screen.getByRole("button", { name: "Servers…" }));
  return screen.findByRole("region", { name: "Servers of Baton demo" });
}

describe("The connection test", () => {
  it("tests a server of the collection and shows each check passed or failed", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp();
    const servers = await openServers(user);
    await user.click(within(servers).getByRole("button", { name: "Test connection to lab" }));

    const list = await screen.findByLabelText("Connection test of lab");
    expect(within(list).getByText("1 of 3 checks failed")).toBeTruthy();
    const checks = within(list).getAllByRole("listitem");
    expect(checks.map((c) => c.className)).toEqual(["check check--ok", "check check--ok", "check check--failed"]);
    expect(checks[0]!.textContent).toContain("token_endpoint");
    expect(checks[0]!.textContent).toContain("{{env.lab}}/token");
    expect(checks[0]!.textContent).toContain("HTTP 400");
    expect(checks[2]!.textContent).toContain("failed");
    expect(checks[2]!.textContent).toContain("grant_types_supported does not list");
    expect(backend.calls.find((c) => c.cmd === "test_connection")?.args).toEqual({
      collection: "Baton demo",
      serverId: "lab",
      environment: "lab",
    });
  });

  it("shows a command's failure in the error banner", async () => {
    const user = userEvent.setup();
    renderApp({ failures: { test_connection: { code: "unresolved", message: "{{env.lab}} is not set", detail: null } } });
    const servers = await openServers(user);
    await user.click(within(servers).getByRole("button", { name: "Test connection to lab" }));
    const alert = await within(servers).findByRole("alert");
    expect(alert.textContent).toContain("Unresolved reference");
    expect(alert.textContent).toContain("{{env.lab}} is not set");
    await waitFor(() => expect(screen.queryByLabelText("Connection test of lab")).toBeNull());
  });
});
