import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";

import { agentChainRun, renderApp } from "../../test/fakeApp";
import { PANEL_PLACEMENT_KEY } from "./panelPlacement";

async function inspectHop3(user: ReturnType<typeof userEvent.setup>) {
  const tree = await screen.findByRole("tree", { name: "Collections" });
  await user.click(await within(tree).findByText("Baton demo"));
  await user.click(await within(tree).findByText(/three-hop act chain/));
  await screen.findByLabelText("Last run outcome");
  await user.click(await within(screen.getByRole("region", { name: "Steps" })).findByText("Payment agent → payments API"));
  return screen.findByRole("complementary", { name: "Inspector" });
}

const panel = () => document.querySelector(".panel")!;
const body = () => document.querySelector(".scenario__body")!;

describe("Where the inspector goes", () => {
  beforeEach(() => localStorage.clear());

  it("opens as a drawer over the graph, which keeps its full width; “Beside graph” moves it to a column, and the choice is remembered", async () => {
    const user = userEvent.setup();
    const first = renderApp();
    first.backend.addHistory(agentChainRun);
    await inspectHop3(user);
    expect(panel().classList.contains("panel--drawer")).toBe(true);
    // The body's grid has no third column: the graph is not narrowed.
    expect(body().classList.contains("scenario__body--panel")).toBe(false);

    const toggle = screen.getByRole("button", { name: "Beside graph" });
    expect(toggle.getAttribute("aria-pressed")).toBe("false");
    await user.click(toggle);
    expect(panel().classList.contains("panel--beside")).toBe(true);
    expect(body().classList.contains("scenario__body--panel")).toBe(true);
    expect(localStorage.getItem(PANEL_PLACEMENT_KEY)).toBe("beside");

    // A new session (the app started again) keeps the choice.
    first.unmount();
    const second = renderApp();
    second.backend.addHistory(agentChainRun);
    await inspectHop3(user);
    await waitFor(() => expect(panel().classList.contains("panel--beside")).toBe(true));
    await user.click(screen.getByRole("button", { name: "Beside graph" }));
    expect(panel().classList.contains("panel--drawer")).toBe(true);
    expect(localStorage.getItem(PANEL_PLACEMENT_KEY)).toBe("drawer");
  });
});
