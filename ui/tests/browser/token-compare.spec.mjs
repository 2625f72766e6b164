import { equal, includes, ok } from "./assert.mjs";
import { graphDrawn, openScenario } from "./helpers.mjs";

const CHAIN = /three-hop act chain/;
const SHOTS = process.env.BATON_SHOTS;

export const tests = [
  {
    name: "a token selected in the graph is compared with the token it was exchanged from, and leads on to delegation vs impersonation",
    config: { history: ["agent-chain"] },
    async run({ page }) {
      await openScenario(page, CHAIN);
      await graphDrawn(page, 7);
      const compareStep = page.getByRole("button", { name: "Compare", exact: true });
      equal(await compareStep.isDisabled(), true, "nothing selected: no comparison");
      await page.locator('.react-flow__node:has-text("Payment agent → payments API")').click();
      const inspector = page.getByRole("complementary", { name: "Inspector" });
      await inspector.waitFor();
      equal(await compareStep.isDisabled(), false, "a token an exchange issued compares as that exchange");

      await inspector.getByRole("button", { name: "Compare…" }).click();
      const dialog = page.getByRole("dialog", { name: "Compare tokens" });
      await dialog.waitFor();
      const differs = await dialog.locator('tr[data-differs="true"]').evaluateAll((rows) => rows.map((r) => r.getAttribute("data-fact")));
      ok(differs.includes("act") && differs.includes("aud") && !differs.includes("sub"), `differs: ${differs}`);
      includes(await dialog.locator('tr[data-fact="act"]').innerText(), "payment-agent ← flight-agent ← planner-agent", "act of the token");
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/token-compare.png` });

      await dialog.getByRole("button", { name: "Delegation vs impersonation…" }).click();
      await page.getByRole("dialog", { name: "Delegation vs impersonation" }).waitFor();
    },
  },
];
