import { equal, includes, ok } from "./assert.mjs";
import { smallestCardText } from "./graphText.mjs";
import { graphDrawn, openScenario } from "./helpers.mjs";

const CHAIN = /three-hop act chain/;

export const tests = [
  {
    name: "the graph of the three-hop delegation draws one node per token and one edge per subject and actor",
    async run({ page }) {
      await openScenario(page, CHAIN);
      await page.getByRole("button", { name: /^Run/ }).click();
      await graphDrawn(page, 7);

      const fixture = await page.evaluate(() => window.__baton.fixtures.agentChain.graph);
      equal(await page.locator(".react-flow__node").count(), fixture.nodes.length, "token nodes");
      equal(await page.locator(".react-flow__edge").count(), fixture.edges.length, "edges");
      equal(await page.locator(".react-flow__edge.edge--subject").count(), 3, "subject → issued edges");
      equal(await page.locator(".react-flow__edge.edge--actor").count(), 3, "actor → issued edges");
      equal(await page.locator(".react-flow__edge.edge--delegation").count(), 6, "delegation edges");

      // Every node id of the Rust graph is drawn, and every edge joins the nodes it names.
      const drawn = await page.locator(".react-flow__node").evaluateAll((els) => els.map((e) => e.getAttribute("data-id")).sort());
      equal(drawn, fixture.nodes.map((n) => n.id).sort(), "drawn node ids");
      const edgeIds = await page.locator(".react-flow__edge").evaluateAll((els) => els.map((e) => e.getAttribute("data-id")).sort());
      equal(edgeIds, fixture.edges.map((e) => e.id).sort(), "drawn edge ids");

      // Actor edges are dashed, subject edges solid.
      const dash = (sel) => page.locator(`${sel} .react-flow__edge-path`).first().evaluate((p) => getComputedStyle(p).strokeDasharray);
      ok((await dash(".edge--actor")) !== "none", "actor edges are dashed");
      equal(await dash(".edge--subject"), "none", "subject edges' dash");

      // Left to right: each hop's token lies right of the token it was exchanged from.
      const x = async (sub, act) =>
        (await page.locator(`.react-flow__node:has(.token-node[data-sub="${sub}"]):has-text("${act}")`).first().boundingBox()).x;
      const bobX = (await page.locator('.react-flow__node:has-text("Bob signs in")').boundingBox()).x;
      const hop1 = await x("bob", "Planner → flight agent");
      const hop2 = await x("bob", "Flight agent → payment agent");
      const hop3 = await x("bob", "Payment agent → payments API");
      ok(bobX < hop1 && hop1 < hop2 && hop2 < hop3, `hops read left to right: ${[bobX, hop1, hop2, hop3]}`);

      // The node of the last hop shows its act chain, sub, aud, scope, type and issuer.
      const last = page.locator('.react-flow__node:has-text("Payment agent → payments API")');
      const text = (await last.innerText()).replace(/\s+/g, " ");
      includes(text, "payment-agent ← flight-agent ← planner-agent", "act chain on the node");
      includes(text, "payments-api", "aud on the node");
      includes(text, "payments:charge", "scope on the node");
      includes(text, "access_token", "token type on the node");
      includes(text, "127.0.0.1:", "short issuer on the node");

      // The legend tells delegation from impersonation.
      const legend = await page.getByLabel("Legend").innerText();
      includes(legend, "delegation", "legend");
      includes(legend, "impersonation", "legend");
      ok(await page.locator(".react-flow__controls").isVisible(), "pan/zoom/fit controls are shown");
    },
  },
  {
    name: "selecting a token opens the inspector with its claims, act chain, diff and curl",
    config: { history: ["agent-chain"] },
    async run({ page }) {
      await openScenario(page, CHAIN);
      await graphDrawn(page, 7);
      await page.locator('.react-flow__node:has-text("Payment agent → payments API")').click();

      const inspector = page.getByRole("complementary", { name: "Inspector" });
      await inspector.waitFor();
      const claims = inspector.getByRole("table", { name: "Claims" });
      equal(await claims.locator('tr[data-claim="sub"] td').innerText(), "bob", "sub claim");
      includes(await claims.locator('tr[data-claim="aud"] td').innerText(), "payments-api", "aud claim");
      includes(await claims.locator('tr[data-claim="exp"] td time').innerText(), "2026", "exp shown as a date");
      includes(await inspector.getByLabel("act chain as text").innerText(), "act: payment-agent ← flight-agent ← planner-agent", "act chain");
      const chain = await inspector.locator(".principal-chain .principal__name").allInnerTexts();
      equal(chain, ["bob", "payment-agent", "flight-agent", "planner-agent"], "chain of principals");
      includes(await inspector.getByText(/Signature verified/).innerText(), "Signature verified", "verification status");
      const diff = inspector.getByRole("region", { name: "Diff against the subject token" });
      equal(await diff.locator('tr[data-diff="sub"] .diff-verdict').innerText(), "preserved", "sub preserved");
      equal(await diff.locator('tr[data-diff="act"] .diff-verdict').innerText(), "added", "act added");
      ok(await inspector.getByRole("button", { name: "Copy as curl" }).isVisible(), "Copy as curl");
      includes(await inspector.getByLabel("Raw request").innerText(), "subject_token_type=urn:ietf:params:oauth:token-type:access_token", "raw request");
      includes(await inspector.getByLabel("Raw response").innerText(), '"issued_token_type"', "raw response");

      // Bob's own first token, chosen with the keyboard: no act, and may_act names the planner.
      await page.locator('.react-flow__node:has-text("Bob signs in")').focus();
      await page.keyboard.press("Enter");
      await inspector.locator(".may-act").waitFor();
      includes(await inspector.locator(".may-act").innerText(), "planner-agent", "may_act");
      equal(await inspector.locator('tr[data-claim="act"]').count(), 0, "no act claim on Bob's first token");

      // Selecting a step inspects it and selects its token in the graph.
      await page.locator('[data-step="hop-1"] button').click();
      includes(await inspector.innerText(), "issued by step hop-1", "the step's inspector");
      equal(
        await page.locator(".react-flow__node:has(.token-node--selected)").innerText().then((t) => t.includes("Planner → flight agent")),
        true,
        "hop-1's token is selected in the graph",
      );
    },
  },
  {
    name: "at 1280×800 the three-hop graph opens readable: no card text under 12 px on screen, the chain's end in view",
    config: { history: ["agent-chain"] },
    async run({ page }) {
      await page.setViewportSize({ width: 1280, height: 800 });
      await openScenario(page, CHAIN);
      await graphDrawn(page, 7);
      const text = await smallestCardText(page, ".scenario");
      ok(text.smallestPx >= 12, `smallest card text ${text.smallestPx.toFixed(2)} px (${text.where}) at zoom ${text.zoom.toFixed(3)}`);

      // The last hop's card, with its whole act chain, is in view and not under the legend.
      const graph = await page.locator(".graph").boundingBox();
      const last = await page.locator('.react-flow__node:has-text("Payment agent → payments API")').boundingBox();
      ok(last.x >= graph.x && last.x + last.width <= graph.x + graph.width, `last card within the graph's width: ${JSON.stringify({ last, graph })}`);
      ok(last.y >= graph.y && last.y + last.height <= graph.y + graph.height, "last card within the graph's height");
      // Every card's text fits it: no line is wider than its card, no card's content taller than it.
      const overflow = await page.locator(".token-node").evaluateAll((cards) =>
        cards
          .filter((c) => {
            const card = c.getBoundingClientRect();
            const text = [...c.querySelectorAll(".token-node__step, .token-node__line, .token-node__more, .token-node__foot > *")];
            const outside = text.some((t) => {
              const r = t.getBoundingClientRect();
              return r.right > card.right + 0.5 || r.bottom > card.bottom + 0.5 || t.scrollWidth > t.clientWidth + 1;
            });
            return outside || c.scrollHeight > c.clientHeight + 1;
          })
          .map((c) => c.innerText.split("\n")[0]),
      );
      equal(overflow, [], "cards whose content overflows");

      // "Fit all" shows every token; "Readable view" brings the opening view back.
      await page.getByRole("button", { name: "Fit all" }).click();
      await page.waitForTimeout(500);
      const boxes = await page.locator(".react-flow__node").evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()));
      for (const b of boxes) ok(b.left >= graph.x - 1 && b.right <= graph.x + graph.width + 1, "every card in view after Fit all");
      await page.getByRole("button", { name: "Readable view" }).click();
      await page.waitForTimeout(100);
      ok((await smallestCardText(page, ".scenario")).smallestPx >= 12, "readable again");
    },
  },
  {
    name: "the inspector opens as a drawer over the graph (the graph keeps its width), or beside it, as chosen and remembered",
    config: { history: ["agent-chain"] },
    async run({ page }) {
      await page.setViewportSize({ width: 1280, height: 800 });
      await openScenario(page, CHAIN);
      await graphDrawn(page, 7);
      const before = await page.locator(".graph").boundingBox();
      await page.locator('.react-flow__node:has-text("Payment agent → payments API")').click();
      await page.getByRole("complementary", { name: "Inspector" }).waitFor();
      const drawer = await page.locator(".graph").boundingBox();
      equal(drawer.width, before.width, "graph width with the drawer open");
      // The selected card is not hidden under the drawer.
      await page.waitForTimeout(450);
      const panel = await page.locator(".panel").boundingBox();
      const card = await page.locator('.react-flow__node:has-text("Payment agent → payments API")').boundingBox();
      ok(card.x + card.width <= panel.x, `selected card left of the drawer: ${card.x + card.width} ≤ ${panel.x}`);

      await page.getByRole("button", { name: "Beside graph" }).click();
      const beside = await page.locator(".graph").boundingBox();
      ok(beside.width < before.width - 200, `graph narrower with the panel beside: ${beside.width}`);
      await page.reload();
      await openScenario(page, CHAIN);
      await graphDrawn(page, 7);
      await page.locator('.react-flow__node:has-text("Payment agent → payments API")').click();
      await page.getByRole("complementary", { name: "Inspector" }).waitFor();
      equal(await page.getByRole("button", { name: "Beside graph" }).getAttribute("aria-pressed"), "true", "placement remembered");
    },
  },
];
