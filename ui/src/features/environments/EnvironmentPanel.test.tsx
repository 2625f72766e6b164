import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { Collection } from "../../api/types";
import { demoCollection, renderApp } from "../../test/fakeApp";
import { collectionAction } from "../../test/menus";

const tree = () => screen.getByRole("tree", { name: "Collections" });
const stored = (backend: { store: Map<string, unknown> }) => backend.store.get("Baton demo") as Collection;

async function openEnvironments(user: ReturnType<typeof userEvent.setup>) {
  await within(tree()).findByText("Baton demo");
  await user.click(within(tree()).getByText("Baton demo"));
  await collectionAction(user, "Baton demo", "Environments…");
  await screen.findByRole("heading", { level: 1, name: "Environments of “Baton demo”" });
}

describe("Environments", () => {
  it("adds an environment with a variable: saved in the collection, and listed by the scenario's picker", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp();
    await openEnvironments(user);
    expect(within(screen.getByText(/Never put a secret here/)).getByText(/\{\{secret\.NAME\}\}/)).toBeTruthy();

    await user.click(screen.getByRole("button", { name: "Add environment" }));
    const section = await screen.findByRole("region", { name: "Environment New environment" });
    const name = within(section).getByLabelText("Name of environment New environment");
    await user.clear(name);
    await user.type(name, "staging");
    await user.click(within(section).getByRole("button", { name: "Add variable" }));
    await user.type(within(section).getByLabelText("Variable 1 name"), "lab");
    await user.type(within(section).getByLabelText("Variable 1 value"), "https://sts.staging.example");
    await user.click(within(section).getByRole("button", { name: "Save" }));

    await waitFor(() =>
      expect(stored(backend).environments).toEqual([
        ...demoCollection.environments!,
        { name: "staging", variables: { lab: "https://sts.staging.example" } },
      ]),
    );

    await user.click(within(tree()).getByText(/Refusals/));
    const picker = await screen.findByLabelText("Environment");
    expect([...picker.querySelectorAll("option")].map((o) => o.textContent)).toEqual(["lab", "staging"]);
  });

  it("removes a variable row, refuses a duplicate variable, and deletes an environment with Undo", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp();
    await openEnvironments(user);
    const section = screen.getByRole("region", { name: "Environment lab" });
    await user.click(within(section).getByRole("button", { name: "Add variable" }));
    await user.type(within(section).getByLabelText("Variable 2 name"), "lab");
    await user.click(within(section).getByRole("button", { name: "Save" }));
    expect(within(section).getByRole("alert").textContent).toContain("The variable “lab” is there twice.");
    expect(stored(backend)).toEqual(demoCollection);

    await user.click(within(section).getByRole("button", { name: "Remove variable 1 (lab)" }));
    await user.click(within(section).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(stored(backend).environments).toEqual([{ name: "lab", variables: { lab: "" } }]));

    await user.click(screen.getByRole("button", { name: "Delete environment lab" }));
    await waitFor(() => expect(stored(backend).environments).toEqual([]));
    expect(screen.queryByRole("region", { name: "Environment lab" })).toBeNull();
    await user.click(screen.getByRole("button", { name: "Undo" }));
    await waitFor(() => expect(stored(backend).environments).toEqual([{ name: "lab", variables: { lab: "" } }]));
    expect(await screen.findByRole("region", { name: "Environment lab" })).toBeTruthy();
  });
});
