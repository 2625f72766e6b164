// Screenshots of the three-hop scenario's graph in the built UI (Debian's Chromium, mocked IPC),
// to look at how it reads: 1280×800 as it opens, the same with a token's inspector open, and
// presentation mode on a 1920×1080 screen at the last step. Run after `npm run build`:
//
//   node ui/scripts/graph-screenshots.mjs [output directory]     (default: /tmp/baton-graph)
//
// Prints, for each, the opening zoom and the smallest card text on screen (font size × zoom).
import { mkdirSync } from "node:fs";
import { join } from "node:path";

import { launchChromium } from "../tests/browser/chromium.mjs";
import { graphDrawn, openScenario } from "../tests/browser/helpers.mjs";
import { serveDist } from "../tests/browser/server.mjs";
import { smallestCardText } from "../tests/browser/graphText.mjs";

const out = process.argv[2] ?? "/tmp/baton-graph";
mkdirSync(out, { recursive: true });
const CHAIN = /three-hop act chain/;

async function page(browser, width, height) {
  const context = await browser.newContext({ viewport: { width, height } });
  const p = await context.newPage();
  await p.addInitScript(() => {
    window.__BATON_TEST__ = { history: ["agent-chain"] };
  });
  return { context, page: p };
}

const server = await serveDist();
const browser = await launchChromium();
try {
  {
    const { context, page: p } = await page(browser, 1280, 800);
    await p.goto(server.url);
    await openScenario(p, CHAIN);
    await graphDrawn(p, 7);
    await p.waitForTimeout(400);
    console.log("1280×800:", await smallestCardText(p, ".scenario"));
    await p.screenshot({ path: join(out, "graph-1280x800.png") });
    await p.locator('.react-flow__node:has-text("Payment agent → payments API")').click();
    await p.getByRole("complementary", { name: "Inspector" }).waitFor();
    await p.waitForTimeout(500);
    console.log("1280×800, inspector open:", await smallestCardText(p, ".scenario"));
    await p.screenshot({ path: join(out, "graph-1280x800-inspector.png") });
    await context.close();
  }
  {
    const { context, page: p } = await page(browser, 1920, 1080);
    await p.goto(server.url);
    await openScenario(p, CHAIN);
    await graphDrawn(p, 7);
    await p.keyboard.press("p");
    await p.getByTestId("presentation").waitFor();
    for (let i = 0; i < 6; i++) {
      await p.keyboard.press("ArrowRight");
      await p.waitForTimeout(120);
    }
    await p.waitForTimeout(600);
    console.log("presentation 1920×1080, last step:", await smallestCardText(p, ".presentation"));
    await p.screenshot({ path: join(out, "graph-presentation-1920x1080.png") });
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
console.log(`screenshots in ${out}`);
