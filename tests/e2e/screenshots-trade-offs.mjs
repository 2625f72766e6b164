// Takes the README's screenshots for trainers from the real window (not a test), at the sizes a
// user has: the default 1280×800 window (the three-hop graph with its chain, the outage, the
// cache's 100 calls, the SAML assertion, chain splicing compared) and presentation mode on a
// 1920×1080 screen.
// Run: xvfb-run -a -s "-screen 0 1920x1080x24" node tests/e2e/screenshots-trade-offs.mjs
import { execFileSync } from "node:child_process";
import path from "node:path";

import { launch, openScenario, runOpenScenario } from "./driver.mjs";

const out = path.resolve(import.meta.dirname, "../../docs/images");
const shoot = (name, width, height) => {
  execFileSync("import", ["-window", "root", "-crop", `${width}x${height}+0+0`, "+repage", path.join(out, name)], { env: process.env });
  console.log(`wrote docs/images/${name}`);
};

async function openCollection(browser, name) {
  const row = await browser.$(`//*[@role='treeitem']//*[contains(@class, 'tree__label') and .='${name}']`);
  await row.waitForClickable({ timeout: 30_000 });
  await row.click();
}

async function graphReady(browser) {
  await browser.$(".scenario .graph[data-ready='true']").waitForExist({ timeout: 30_000 });
  await browser.pause(1800);
}

async function show(browser, which) {
  await (await browser.$(`//*[@role='group' and @aria-label='Show']//button[normalize-space(.)='${which}']`)).click();
}

const app = await launch();
try {
  const { browser } = app;
  await browser.setWindowSize(1280, 800);

  // The three-hop chain: graph and chain at the zoom they open with.
  await openScenario(browser, "6. Agents");
  await runOpenScenario(browser, "passed");
  await show(browser, "Both");
  await graphReady(browser);
  shoot("app-chain-view.png", 1280, 800);
  await show(browser, "Graph");
  await graphReady(browser);
  shoot("app-graph-1280.png", 1280, 800);

  // The token service goes down, and comes back.
  await openCollection(browser, "Baton trade-offs");
  await openScenario(browser, "The token service goes down");
  await runOpenScenario(browser, "passed");
  await graphReady(browser);
  const retry = await browser.$("[data-step='retrying']");
  await retry.scrollIntoView({ block: "center" });
  await browser.pause(400);
  shoot("app-outage.png", 1280, 800);

  // Chain splicing: the refusal beside the spliced token, in Compare.
  await openScenario(browser, "Chain splicing");
  await runOpenScenario(browser, "passed");
  await (await browser.$("[data-step='splice-hardened'] button.step__button")).click();
  await (await browser.$("//aside[@aria-label='Inspector']//button[normalize-space(.)='Compare…']")).click();
  await browser.$("[role='dialog'][aria-label='Compare tokens'] section[aria-label='The other side']").waitForExist({ timeout: 30_000 });
  await browser.pause(600);
  shoot("app-chain-splicing.png", 1280, 800);
  await browser.keys("Escape");
  await browser.pause(300);

  // 100 calls to the payments API: a round trip each, then the cache.
  await openCollection(browser, "Baton demo");
  await openScenario(browser, "8. 100 calls");
  await runOpenScenario(browser, "passed");
  await graphReady(browser);
  const cached = await browser.$("[data-step='cached']");
  await cached.scrollIntoView({ block: "end" });
  await browser.pause(400);
  shoot("app-cache.png", 1280, 800);

  // A JWT exchanged for a SAML assertion: the assertion in the inspector.
  await openScenario(browser, "9. A JWT");
  await runOpenScenario(browser, "passed");
  await graphReady(browser);
  const saml = await browser.$("[data-step='assertion'] button.step__button");
  if (await saml.isExisting()) {
    await saml.click();
    await browser.pause(800);
  }
  shoot("app-saml.png", 1280, 800);

  // Presentation mode on a 1920×1080 screen, at the third hop.
  await browser.keys("Escape");
  await browser.setWindowSize(1920, 1080);
  await openScenario(browser, "6. Agents");
  await (await browser.$("//button[normalize-space(.)='Present']")).click();
  const step = await browser.$("[data-testid='presentation-step']");
  await step.waitForExist({ timeout: 30_000 });
  for (let i = 0; i < 6; i += 1) await browser.keys("ArrowRight");
  await browser.waitUntil(async () => (await step.getAttribute("data-index")) === "6", { timeout: 10_000 });
  await browser.pause(1500);
  shoot("app-presentation-1920.png", 1920, 1080);
} finally {
  await app.stop();
}
