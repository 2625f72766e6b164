/** Opens a scenario of the demo collection through the sidebar, with the mouse. */
export async function openScenario(page, name) {
  const tree = page.getByRole("tree", { name: "Collections" });
  await tree.getByText("Baton demo", { exact: true }).click();
  await tree.getByText(name).click();
  await page.getByRole("heading", { level: 1, name }).waitFor();
}

/** Waits until the graph is laid out and drawn for the current run. */
export async function graphDrawn(page, nodes) {
  await page.locator('.graph[data-ready="true"]').waitFor();
  await page.waitForFunction((n) => document.querySelectorAll(".react-flow__node").length === n, nodes);
}

export const statusOf = (page, stepId) => page.locator(`[data-step="${stepId}"] [data-status]`).getAttribute("data-status");

export const ipcCalls = (page, cmd) => page.evaluate((c) => window.__baton.backend.calls.filter((x) => x.cmd === c), cmd);

/** Chooses `action` from the “⋯” menu of a collection in the sidebar. */
export async function collectionAction(page, collection, action) {
  await page.getByRole("button", { name: `Actions for “${collection}”` }).click();
  await page.getByRole("menu", { name: `Actions for “${collection}”` }).getByRole("menuitem", { name: action }).click();
}
