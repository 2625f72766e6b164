import { equal, ok } from "./assert.mjs";

const SHOTS = process.env.BATON_SHOTS;

export const tests = [
  {
    name: "a collection's ⋯ menu and its right-click menu offer the same actions; Escape and a click outside close them",
    async run({ page }) {
      await page.setViewportSize({ width: 1280, height: 800 });
      const tree = page.getByRole("tree", { name: "Collections" });
      await tree.getByText("Baton demo", { exact: true }).click();
      await tree.getByText("7. Refusals").waitFor();
      // A second click on the row keeps the collection open.
      await tree.getByText("Baton demo", { exact: true }).click();
      await tree.getByText("7. Refusals").waitFor();

      const button = page.getByRole("button", { name: "Actions for “Baton demo”" });
      await button.click();
      const menu = page.getByRole("menu", { name: "Actions for “Baton demo”" });
      const items = await menu.getByRole("menuitem").allInnerTexts();
      equal(items.map((t) => t.split("\n")[0]).join(" | "), "New scenario | Run collection… | Environments… | Rename | Duplicate | Export… | Delete");
      const box = await menu.boundingBox();
      const anchor = await button.boundingBox();
      ok(box && anchor && box.y >= anchor.y + anchor.height - 1, "the menu opens under its button");
      ok(box && box.x + box.width <= 1280, "the menu stays inside the window");
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/sidebar-menu.png` });
      await page.keyboard.press("Escape");
      await menu.waitFor({ state: "detached" });
      equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Actions for “Baton demo”", "focus back on the button");

      await tree.getByText("6. Agents", { exact: false }).click({ button: "right" });
      const context = page.getByRole("menu", { name: /Actions for scenario “6\. Agents/ });
      equal((await context.getByRole("menuitem").allInnerTexts()).map((t) => t.split("\n")[0]).join(" | "), "Open | Rename | Duplicate | Delete");
      await page.getByRole("heading", { name: "Collections" }).click();
      await context.waitFor({ state: "detached" });

      // Shift+F10 on the focused row opens its menu by the row, once; Escape gives focus back.
      const row = tree.getByRole("treeitem", { name: /^7\. Refusals/ });
      await row.focus();
      await page.keyboard.press("Shift+F10");
      const keyed = page.getByRole("menu", { name: "Actions for scenario “7. Refusals”" });
      await keyed.waitFor();
      equal(await page.getByRole("menu").count(), 1, "one menu");
      const rowBox = await row.boundingBox();
      const keyedBox = await keyed.boundingBox();
      ok(rowBox && keyedBox && Math.abs(keyedBox.y - (rowBox.y + rowBox.height)) < 40, "the menu opens by the row");
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("Escape");
      await keyed.waitFor({ state: "detached" });
      ok(await row.evaluate((r) => r === document.activeElement), "focus back on the row");
    },
  },
];
