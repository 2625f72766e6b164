import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";

import type { Collection } from "../api/types";
import { demoCollection, emptyCollection, renderApp } from "../test/fakeApp";

// The demo with a second environment, so that there is something to switch to.
const withStaging: Collection = {
  ...demoCollection,
  environments: [...(demoCollection.environments ?? []), { name: "staging", variables: { lab: "https://sts.staging.example" } }],
};

const tree = () => screen.getByRole("tree", { name: "Collections" });
const runCalls = (backend: { calls: { cmd: string; args: unknown }[] }) => backend.calls.filter((c) => c.cmd === "run_scenario").map((c) => c.args);

async function openRefusals(user: ReturnType<typeof userEvent.setup>) {
  await within(tree()).findByText("Baton demo");
  await user.click(within(tree()).getByText("Baton demo"));
  await user.click(await within(tree()).findByText("7. Refusals"));
  await screen.findByRole("heading", { level: 1, name: "7. Refusals" });
}

describe("The environment switch in the app toolbar", () => {
  beforeEach(() => localStorage.clear());

  it("lists the collection's environments, and a run uses the one chosen", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp({ collections: [withStaging, emptyCollection] });
    await openRefusals(user);
    const toolbar = screen.getByRole("toolbar", { name: "App" });
    const picker = within(toolbar).getByLabelText<HTMLSelectElement>("Environment");
    expect(picker).toBe(screen.getByTestId("environment-switch"));
    expect([...picker.options].map((o) => o.value)).toEqual(["lab", "staging"]);
    expect(picker.value).toBe("lab");

    await user.click(screen.getByRole("button", { name: /^Run/ }));
    await waitFor(() => expect(runCalls(backend)).toHaveLength(1));

    await user.selectOptions(picker, "staging");
    await waitFor(() => expect(screen.getByRole("button", { name: /^Run/ }).hasAttribute("disabled")).toBe(false));
    await user.click(screen.getByRole("button", { name: /^Run/ }));
    await waitFor(() =>
      expect(runCalls(backend)).toEqual([
        { collection: "Baton demo", scenarioId: "refusals", environment: "lab" },
        { collection: "Baton demo", scenarioId: "refusals", environment: "staging" },
      ]),
    );
    // The scenario view has no picker of its own any more: one switch for the whole app.
    expect(screen.getAllByLabelText("Environment")).toHaveLength(1);
  });

  it("remembers the choice per collection across restarts", async () => {
    const user = userEvent.setup();
    const first = renderApp({ collections: [withStaging, emptyCollection] });
    await openRefusals(user);
    await user.selectOptions(screen.getByLabelText("Environment"), "staging");
    first.unmount();

    const { backend } = renderApp({ collections: [withStaging, emptyCollection] });
    await openRefusals(user);
    expect(screen.getByLabelText<HTMLSelectElement>("Environment").value).toBe("staging");
    await user.keyboard("{Control>}{Enter}{/Control}");
    await waitFor(() => expect(runCalls(backend)).toEqual([{ collection: "Baton demo", scenarioId: "refusals", environment: "staging" }]));
  });

  it("is what a connection test uses too", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp({ collections: [withStaging, emptyCollection] });
    await within(tree()).findByText("Baton demo");
    await user.click(within(tree()).getByText("Baton demo"));
    await user.click(screen.getByRole("button", { name: "Servers…" }));
    const servers = await screen.findByRole("region", { name: "Servers of Baton demo" });
    await user.selectOptions(screen.getByLabelText("Environment"), "staging");
    await user.click(within(servers).getByRole("button", { name: "Test connection to lab" }));
    await screen.findByLabelText("Connection test of lab");
    expect(backend.calls.find((c) => c.cmd === "test_connection")?.args).toEqual({
      collection: "Baton demo",
      serverId: "lab",
      environment: "staging",
    });
  });
});
