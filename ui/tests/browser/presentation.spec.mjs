import { equal, includes, ok } from "./assert.mjs";
import { smallestCardText } from "./graphText.mjs";
import { graphDrawn, ipcCalls, openScenario } from "./helpers.mjs";

const CHAIN = /three-hop act chain/;

/** Waits until the presentation's graph is laid out and shows `nodes` tokens and `edges` edges. */
async function presentedGraph(page, nodes, edges) {
  await page.locator('.presentation .graph[data-ready="true"]').waitFor();
  await page.waitForFunction(
    ([n, e]) =>
      document.querySelectorAll(".presentation .react-flow__node").length === n &&
      document.querySelectorAll(".presentation .react-flow__edge").length === e,
    [nodes, edges],
  );
}

const SHOTS = process.env.BATON_SHOTS;

const stepIndex = (page) => page.getByTestId("presentation-step").getAttribute("data-index");

export const tests = [
  {
    name: "presentation mode walks the three-hop chain one step at a time, the graph growing, in large high-contrast type",
    config: { history: ["agent-chain"] },
    async run({ page }) {
      await openScenario(page, CHAIN);
      await graphDrawn(page, 7);
      await page.keyboard.press("p");

      const presentation = page.getByTestId("presentation");
      await presentation.waitFor();
      equal(await stepIndex(page), "0", "first step");
      includes(await page.getByTestId("presentation-step").innerText(), "Bob signs in", "first step's name");
      await presentedGraph(page, 1, 0);

      // Large type, light on black.
      const style = await page.getByTestId("presentation-step").evaluate((h) => {
        const s = getComputedStyle(h);
        return { size: parseFloat(s.fontSize), color: s.color, bg: getComputedStyle(h.closest(".presentation")).backgroundColor };
      });
      ok(style.size >= 36, `heading font size ${style.size}px`);
      equal(style.bg, "rgb(0, 0, 0)", "presentation background");
      equal(style.color, "rgb(255, 255, 255)", "heading colour");

      // planner's token, then the first hop: its token and both its edges.
      await page.keyboard.press("ArrowRight");
      await presentedGraph(page, 2, 0);
      await page.keyboard.press("ArrowRight");
      equal(await stepIndex(page), "2", "hop-1");
      // hop-1's token, with its subject and actor edges.
      await presentedGraph(page, 3, 2);

      // On to the last hop: its notes, and the whole chain on its token.
      for (let i = 0; i < 4; i++) await page.keyboard.press("ArrowRight");
      equal(await stepIndex(page), "6", "hop-3");
      await presentedGraph(page, 7, 6);
      includes(await presentation.innerText(), "The act chain reads payment-agent, then flight-agent, then planner-agent", "hop-3's notes");
      includes(
        (await page.locator('.presentation .react-flow__node:has-text("Payment agent → payments API")').innerText()).replace(/\s+/g, " "),
        "payment-agent ← flight-agent ← planner-agent",
        "act chain on the last token",
      );

      await page.keyboard.press("ArrowLeft");
      equal(await stepIndex(page), "5", "back one step");

      await page.keyboard.press("Escape");
      await presentation.waitFor({ state: "detached" });
      const fullscreen = (await ipcCalls(page, "plugin:window|set_fullscreen")).map((c) => c.args.value);
      equal(fullscreen, [true, false], "full screen on entering, restored on leaving");
    },
  },
  {
    name: "compare shows act on the delegation side and none on the impersonation side",
    async run({ page }) {
      await openScenario(page, /AI assistant's narrow token/);
      await page.locator('[data-step="airline"] button').first().click();
      await page.getByRole("button", { name: "Compare", exact: true }).click();
      const delegation = page.locator('[data-testid="compare-side"][data-mode="delegation"]');
      const impersonation = page.locator('[data-testid="compare-side"][data-mode="impersonation"]');
      includes(await delegation.getByTestId("compare-act").innerText(), "travel-assistant", "delegation act");
      includes(await impersonation.getByTestId("compare-act").innerText(), "no act", "impersonation act");
      equal(await delegation.locator('[data-fact="act"]').getAttribute("data-differs"), "true", "act marked as differing");
      await page.locator('.compare-side--delegation .graph[data-ready="true"]').waitFor();
      ok((await delegation.locator(".react-flow__edge.edge--actor").count()) > 0, "delegation graph has an actor edge");
      equal(await impersonation.locator(".react-flow__edge.edge--actor").count(), 0, "impersonation graph has no actor edge");
      await page.keyboard.press("Escape");
      await page.getByRole("dialog", { name: "Delegation vs impersonation" }).waitFor({ state: "detached" });
    },
  },
  {
    name: "on a 1920×1080 screen the presented graph reads at 20 px or more, and grows without moving what is drawn",
    config: { history: ["agent-chain"] },
    async run({ page }) {
      await page.setViewportSize({ width: 1920, height: 1080 });
      await openScenario(page, CHAIN);
      await graphDrawn(page, 7);
      await page.keyboard.press("p");
      await presentedGraph(page, 1, 0);
      const opening = await smallestCardText(page, ".presentation");
      ok(opening.smallestPx >= 20, `smallest card text ${opening.smallestPx.toFixed(2)} px (${opening.where})`);

      // Each step: the cards already drawn keep their places in the drawing, and the zoom stays.
      const places = () =>
        page.locator(".presentation .react-flow__node").evaluateAll((els) => Object.fromEntries(els.map((e) => [e.dataset.id, e.style.transform])));
      let before = await places();
      const counts = [2, 3, 4, 5, 6, 7];
      for (const n of counts) {
        await page.keyboard.press("ArrowRight");
        await page.waitForFunction((k) => document.querySelectorAll(".presentation .react-flow__node").length === k, n);
        const now = await places();
        for (const [id, place] of Object.entries(before)) equal(now[id], place, `token ${id} stays put when step ${n} shows`);
        before = now;
      }
      await page.waitForTimeout(450);
      const end = await smallestCardText(page, ".presentation");
      equal(end.zoom, opening.zoom, "the zoom is the opening one after six steps");
      ok(end.smallestPx >= 20, "still 20 px");
      // The presented step's token is in view, not cut by the graph's edges.
      const graph = await page.locator(".presentation__graph").boundingBox();
      const current = await page.locator(".presentation .token-node--selected").boundingBox();
      ok(current.x >= graph.x && current.x + current.width <= graph.x + graph.width, "current token in view");
    },
  },
  {
    name: "an introspection step is presented as the server's answer: active, sub, client, aud, scope and the act chain",
    config: { history: ["agent-chain"] },
    async run({ page }) {
      await page.setViewportSize({ width: 1920, height: 1080 });
      await openScenario(page, CHAIN);
      await graphDrawn(page, 7);
      await page.keyboard.press("p");
      await page.getByTestId("presentation").waitFor();
      for (let i = 0; i < 7; i++) await page.keyboard.press("ArrowRight");
      equal(await page.getByTestId("presentation-step").getAttribute("data-step-id"), "audit", "the audit step");
      await presentedGraph(page, 7, 6);
      const answer = page.getByRole("region", { name: "What introspection said" });
      const text = await answer.innerText();
      for (const fact of ["yes", "bob", "payment-agent", "payments-api", "payments:charge", "flight-agent", "planner-agent"]) includes(text, fact, fact);
      equal(await page.getByTestId("presentation").getByText(/^No token/).count(), 0, "no “No token”");
      includes(await page.locator(".presentation .react-flow__node.selected").innerText(), "Payment agent", "the introspected token stands out");
      const size = await answer.locator("dd").first().evaluate((dd) => parseFloat(getComputedStyle(dd).fontSize));
      ok(size >= 20, `answer font size ${size}px`);
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/present-introspection.png` });
    },
  },
];
