import { screen, within } from "@testing-library/react";
import type userEvent from "@testing-library/user-event";

type User = ReturnType<typeof userEvent.setup>;

/** Opens the “⋯” menu of a collection in the sidebar and chooses `action` (“Environments…”). */
export async function collectionAction(user: User, collection: string, action: string) {
  await user.click(screen.getByRole("button", { name: `Actions for “${collection}”` }));
  const menu = await screen.findByRole("menu", { name: `Actions for “${collection}”` });
  await user.click(within(menu).getByRole("menuitem", { name: action }));
}

/** Opens the “⋯” menu of a scenario in the sidebar and chooses `action` (“Duplicate”). */
export async function scenarioAction(user: User, scenario: string, action: string) {
  await user.click(screen.getByRole("button", { name: `Actions for scenario “${scenario}”` }));
  const menu = await screen.findByRole("menu", { name: `Actions for scenario “${scenario}”` });
  await user.click(within(menu).getByRole("menuitem", { name: action }));
}
