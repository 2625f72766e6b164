import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { agentChainRun, renderApp } from "../../test/fakeApp";

const CHAIN = /three-hop act chain/;

async function openChain(user: ReturnType<typeof userEvent.setup>) {
  const tree = await screen.findByRole("tree", { name: "Collections" });
  await user.click(await within(tree).findByText("Baton demo"));
  await user.click(await within(tree).findByText(CHAIN));
  await screen.findByRole("heading", { level: 1, name: CHAIN });
}

const exportButton = () => screen.getByRole("button", { name: "Export diagram…" });

async function exportWith(save: string | null) {
  const user = userEvent.setup();
  const { backend } = renderApp({ dialog: { save } });
  backend.addHistory(agentChainRun);
  await openChain(user);
  await waitFor(() => expect(exportButton()).toHaveProperty("disabled", false));
  await user.click(exportButton());
  await waitFor(() => expect(backend.calls.some((c) => c.cmd === "choose_file")).toBe(true));
  return backend;
}

const exports = (backend: { calls: { cmd: string; args: unknown }[] }) => backend.calls.filter((c) => c.cmd === "export_diagram");

describe("Exporting the diagram", () => {
  it("asks Baton for its save dialog, named after the scenario, and exports to the file chosen there", async () => {
    const backend = await exportWith("/tmp/agents.png");
    await waitFor(() => expect(exports(backend)).toEqual([{ cmd: "export_diagram", args: { runId: 1, grant: "file-1" } }]));
    const asked = backend.calls.find((c) => c.cmd === "choose_file")!.args as { purpose: string; name: string };
    expect(asked.purpose).toBe("export_diagram");
    expect(asked.name).toBeTruthy();
    expect((await screen.findByRole("status")).textContent).toContain("Diagram saved as PNG: /tmp/agents.png");
  });

  it("says SVG for a file ending in .svg", async () => {
    await exportWith("/tmp/agents.svg");
    expect((await screen.findByRole("status")).textContent).toContain("Diagram saved as SVG: /tmp/agents.svg");
  });

  it("shows the .svg the file gets when its name has no extension", async () => {
    await exportWith("/tmp/agents");
    expect((await screen.findByRole("status")).textContent).toContain("Diagram saved as SVG: /tmp/agents.svg");
  });

  it("exports nothing when the dialog is cancelled", async () => {
    const backend = await exportWith(null);
    await waitFor(() => expect(exportButton()).toHaveProperty("disabled", false));
    expect(exports(backend)).toEqual([]);
  });

  it("shows why an export failed", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp({ dialog: { save: "/root/agents.svg" } });
    backend.addHistory(agentChainRun);
    backend.failWith("export_diagram", { code: "invalid_input", message: "/root/agents.svg: permission denied", detail: null });
    await openChain(user);
    await waitFor(() => expect(exportButton()).toHaveProperty("disabled", false));
    await user.click(exportButton());
    expect((await screen.findByRole("alert")).textContent).toContain("/root/agents.svg: permission denied");
  });

  it("is not offered before the scenario has a saved run", async () => {
    const user = userEvent.setup();
    renderApp();
    await openChain(user);
    expect(exportButton()).toHaveProperty("disabled", true);
  });
});
