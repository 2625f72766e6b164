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
  await waitFor(() => expect(backend.calls.some((c) => c.cmd === "plugin:dialog|save")).toBe(true));
  return backend;
}

const exports = (backend: { calls: { cmd: string; args: unknown }[] }) => backend.calls.filter((c) => c.cmd === "export_diagram");

describe("Exporting the diagram", () => {
  it("asks where to save, offering SVG and PNG, and exports as PNG when the file ends in .png", async () => {
    const backend = await exportWith("/tmp/agents.png");
    await waitFor(() =>
      expect(exports(backend)).toEqual([{ cmd: "export_diagram", args: { runId: 1, format: "png", path: "/tmp/agents.png" } }]),
    );
    const dialog = backend.calls.find((c) => c.cmd === "plugin:dialog|save")!.args as { options: { filters: { extensions: string[] }[]; defaultPath: string } };
    expect(dialog.options.filters.flatMap((f) => f.extensions)).toEqual(["svg", "png"]);
    expect(dialog.options.defaultPath).toMatch(/\.svg$/);
    expect((await screen.findByRole("status")).textContent).toContain("/tmp/agents.png");
  });

  it("exports as SVG when the file ends in .svg", async () => {
    const svg = await exportWith("/tmp/agents.svg");
    await waitFor(() => expect(exports(svg)).toEqual([{ cmd: "export_diagram", args: { runId: 1, format: "svg", path: "/tmp/agents.svg" } }]));
  });

  it("adds .svg to a name without an extension", async () => {
    const bare = await exportWith("/tmp/agents");
    await waitFor(() => expect(exports(bare)).toEqual([{ cmd: "export_diagram", args: { runId: 1, format: "svg", path: "/tmp/agents.svg" } }]));
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
