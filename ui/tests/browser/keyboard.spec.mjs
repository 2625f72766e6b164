import { equal, ok } from "./assert.mjs";
import { graphDrawn, ipcCalls, statusOf, collectionAction } from "./helpers.mjs";

const focused = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    const label = el?.querySelector(":scope > .tree__row .tree__label") ?? el;
    return { role: el?.getAttribute("role") ?? el?.tagName.toLowerCase(), text: (label?.textContent ?? "").trim().slice(0, 60) };
  });

export const tests = [
  {
    name: "keyboard only: Tab to the sidebar, arrows and Enter open a scenario, Ctrl+Enter runs it",
    async run({ page }) {
      await page.getByRole("tree", { name: "Collections" }).getByRole("treeitem").first().waitFor();

      let stops = 0;
      while ((await focused(page)).role !== "treeitem") {
        ok(++stops <= 10, `Tab reached the tree within 10 stops (at ${JSON.stringify(await focused(page))})`);
        await page.keyboard.press("Tab");
      }
      ok((await focused(page)).text.startsWith("Baton demo"), "the first collection holds the tree's tab stop");

      await page.keyboard.press("ArrowDown");
      ok((await focused(page)).text.startsWith("Scratch"), "ArrowDown moves to the next collection");
      await page.keyboard.press("ArrowUp");
      await page.keyboard.press("ArrowRight");
      await page.getByRole("treeitem", { name: /three-hop act chain/ }).waitFor();
      await page.keyboard.press("ArrowRight");
      ok((await focused(page)).text.startsWith("1. Microservices"), "ArrowRight enters an open collection");
      for (let i = 0; i < 5; i++) await page.keyboard.press("ArrowDown");
      ok((await focused(page)).text.includes("three-hop act chain"), "ArrowDown walks the scenarios");
      await page.keyboard.press("Enter");
      await page.getByRole("heading", { level: 1, name: /three-hop act chain/ }).waitFor();
      equal(await statusOf(page, "hop-3"), "idle", "status before the run");

      await page.keyboard.press("Control+Enter");
      await graphDrawn(page, 7);
      await page.waitForFunction(() => document.querySelector('[data-step="audit"] [data-status]')?.getAttribute("data-status") === "passed");
      equal(await statusOf(page, "hop-3"), "passed", "status after the run");
      equal(
        (await ipcCalls(page, "run_scenario")).map((c) => c.args),
        [{ collection: "Baton demo", scenarioId: "agent-chain", environment: "lab" }],
        "run_scenario calls",
      );

      // Focus stays in the tree, and Left goes back up to the collection.
      await page.keyboard.press("ArrowLeft");
      ok((await focused(page)).text.startsWith("Baton demo"), "ArrowLeft goes to the parent collection");
    },
  },
  {
    name: "a step that fails shows its assertions and the server's error inline",
    async run({ page }) {
      const tree = page.getByRole("tree", { name: "Collections" });
      await tree.getByText("Baton demo", { exact: true }).click();
      await tree.getByText("7. Refusals").click();
      await page.getByRole("button", { name: /^Run/ }).click();
      await page.waitForFunction(() => document.querySelector('[data-step="escalation"] [data-status]')?.getAttribute("data-status") === "failed");
      const row = page.locator('[data-step="escalation"]');
      const failures = await row.getByRole("list", { name: "Failed assertions" }).innerText();
      ok(failures.includes("HTTP status: expected 200, got 400 (invalid_scope)"), `failed assertions: ${failures}`);
      const response = await row.getByLabel("Server response").innerText();
      ok(/400/.test(response) && response.includes("invalid_scope") && response.includes("error_description"), `response: ${response}`);
      equal(await page.getByLabel("Last run outcome").innerText(), "failed in " + (await page.evaluate(() => window.__baton.fixtures.refusals.record.elapsed_ms)) + " ms", "outcome");
    },
  },
  {
    name: "? shows the keyboard shortcuts, Esc closes them, and ? typed in a field stays a character",
    async run({ page }) {
      const tree = page.getByRole("tree", { name: "Collections" });
      await tree.getByText("Baton demo", { exact: true }).click();
      await page.keyboard.press("?");
      const dialog = page.getByRole("dialog", { name: "Keyboard shortcuts" });
      await dialog.waitFor();
      const text = await dialog.innerText();
      ok(text.includes("Ctrl+Enter") && text.includes("Run the open scenario"), `the list names Ctrl+Enter: ${text}`);
      ok(text.includes("F2") && text.includes("Delete"), "the list names F2 and Delete");
      for (let i = 0; i < 4; i++) await page.keyboard.press("Tab");
      ok(await dialog.evaluate((d) => d.contains(document.activeElement)), "Tab stays in the dialog");
      await page.keyboard.press("Escape");
      await dialog.waitFor({ state: "detached" });
      equal(await page.evaluate(() => document.activeElement?.getAttribute("role")), "treeitem", "focus back on the tree");

      await collectionAction(page, "Baton demo", "Environments…");
      const value = page.getByLabel("Variable 1 value");
      await value.fill("");
      await value.pressSequentially("https://sts.example/?a=1");
      equal(await value.inputValue(), "https://sts.example/?a=1", "the field got the ?");
      equal(await dialog.count(), 0, "no overlay while typing");
    },
  },
];
