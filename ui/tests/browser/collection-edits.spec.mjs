import { equal, ok } from "./assert.mjs";
import { ipcCalls, collectionAction } from "./helpers.mjs";

const SHOTS = process.env.BATON_SHOTS;
const shot = (page, name) => (SHOTS ? page.screenshot({ path: `${SHOTS}/${name}.png` }) : null);

const scenarioLabels = (page) =>
  page.evaluate(() => [...document.querySelectorAll('[role="group"] .tree__label')].map((e) => e.textContent));

export const tests = [
  {
    name: "scenarios by keyboard: F2 renames, Delete deletes, Undo puts it back in its place",
    async run({ page }) {
      const tree = page.getByRole("tree", { name: "Collections" });
      await tree.getByText("Baton demo", { exact: true }).click();
      await tree.getByText("7. Refusals").waitFor();
      const before = await scenarioLabels(page);

      await tree.getByRole("treeitem", { name: /2\. API gateway/ }).focus();
      await page.keyboard.press("F2");
      await page.keyboard.type("Gateway");
      await page.keyboard.press("Enter");
      await tree.getByText("Gateway", { exact: true }).waitFor();
      ok(await page.evaluate(() => document.activeElement?.querySelector(".tree__label")?.textContent === "Gateway"), "focus comes back to the renamed scenario");

      await page.keyboard.press("Delete");
      await page.getByRole("status").getByText("Deleted scenario “Gateway”").waitFor();
      equal((await scenarioLabels(page)).length, before.length - 1, "one scenario fewer");
      await shot(page, "scenario-deleted");
      await page.getByRole("button", { name: "Undo" }).click();
      await page.waitForFunction((n) => document.querySelectorAll('[role="group"] .tree__label').length === n, before.length);
      equal((await scenarioLabels(page))[1], "Gateway", "Undo restores the scenario in its place");
      ok((await ipcCalls(page, "save_collection")).length === 3, "rename, delete and Undo each save the collection");
    },
  },
  {
    name: "an environment with a variable, and the connection test of a server",
    async run({ page }) {
      const tree = page.getByRole("tree", { name: "Collections" });
      await tree.getByText("Baton demo", { exact: true }).click();
      await collectionAction(page, "Baton demo", "Environments…");
      await page.getByRole("button", { name: "Add environment" }).click();
      const env = page.getByRole("region", { name: "Environment New environment" });
      await env.getByRole("button", { name: "Add variable" }).click();
      await env.getByLabel("Variable 1 name").fill("lab");
      await env.getByLabel("Variable 1 value").fill("https://sts.staging.example");
      await shot(page, "environments");
      await env.getByRole("button", { name: "Save" }).click();
      await page.waitForFunction(() =>
        window.__baton.backend.calls.some((c) => c.cmd === "save_collection" && c.args.collection.environments?.[1]?.variables?.lab),
      );

      await page.getByRole("button", { name: "Servers…" }).click();
      await page.getByRole("button", { name: "Test connection to lab" }).click();
      const report = page.getByLabel("Connection test of lab");
      await report.getByText("1 of 3 checks failed").waitFor();
      equal(await report.locator(".check--failed").count(), 1, "one failed check");
      equal(await report.locator(".check--ok").count(), 2, "two passed checks");
      await shot(page, "connection-test");
    },
  },
];
