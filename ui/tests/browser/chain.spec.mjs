import { equal, ok } from "./assert.mjs";
import { graphDrawn, openScenario } from "./helpers.mjs";

export const tests = [
  {
    name: "a refused exchange is drawn as a refusal with red dashed edges into it, and its line ends ✗ in the chain",
    async run({ page }) {
      await openScenario(page, /Refusals/);
      await page.getByRole("button", { name: /^Run/ }).click();
      const fixture = await page.evaluate(() => window.__baton.fixtures.refusals.graph);
      await graphDrawn(page, fixture.nodes.length + fixture.refusals.length);
      equal(await page.locator(".refusal-node").count(), fixture.refusals.length, "refusal nodes");
      const refused = page.locator(".react-flow__edge.edge--refused");
      equal(await refused.count(), fixture.edges.filter((e) => e.kind === "refused").length, "edges into refusals");
      const dash = await refused.first().locator(".react-flow__edge-path").evaluate((p) => getComputedStyle(p).strokeDasharray);
      ok(dash !== "none", "refused edges are dashed");
      const card = await page.locator(".refusal-node").first().innerText();
      ok(card.includes("✗") && card.includes("invalid_"), `the card names the error: ${card}`);

      await page.getByRole("group", { name: "Show" }).getByRole("button", { name: "Both" }).click();
      const chain = page.getByTestId("chain").first();
      await chain.waitFor();
      const size = await chain.locator(".chain__name").first().evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
      ok(size >= 16, `names are large: ${size}px`);
      const label = await chain.locator(".chain__hop-kind").last().evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
      ok(label >= 16, `hop labels are at least 16px: ${label}px`);
      if (process.env.BATON_SHOT) await page.screenshot({ path: `${process.env.BATON_SHOT}/refusals.png` });
    },
  },
  {
    name: "the chain of scenario 6 reads bob → planner-agent → flight-agent → payment-agent beside the graph",
    config: { history: ["agent-chain"] },
    async run({ page }) {
      await openScenario(page, /three-hop act chain/);
      await graphDrawn(page, 7);
      await page.getByRole("group", { name: "Show" }).getByRole("button", { name: "Both" }).click();
      const names = await page.locator(".chain .chain__name").allInnerTexts();
      equal(names, ["bob", "planner-agent", "flight-agent", "payment-agent"], "principals in order");
      // Clicking a hop selects its token in the graph.
      await page.locator(".chain__hop").nth(1).getByRole("button").click();
      await page.locator(".react-flow__node.selected").waitFor();
      const selected = await page.locator(".react-flow__node.selected").innerText();
      ok(selected.includes("Flight agent → payment agent"), `hop 2's token is selected: ${selected}`);
      if (process.env.BATON_SHOT) await page.screenshot({ path: `${process.env.BATON_SHOT}/chain.png` });
    },
  },
];
