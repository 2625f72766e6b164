// Takes the README's screenshots of the real window (not a test): the three-hop agent chain's
// graph, the inspector with the diff against the subject token, presentation mode, compare,
// the collection runner, the lab panel, and the Probe view of the lab.
// Run: xvfb-run -a -s "-screen 0 1440x900x24" node tests/e2e/screenshots.mjs
import { execFileSync } from "node:child_process";
import path from "node:path";

import { collectionAction, launch } from "./driver.mjs";

const out = path.resolve(import.meta.dirname, "../../docs/images");
const shoot = (name) => {
  execFileSync("import", ["-window", "root", path.join(out, name)], { env: process.env });
  console.log(`wrote docs/images/${name}`);
};

const app = await launch();
try {
  const { browser } = app;
  await browser.setWindowSize(1440, 900);
  const collection = await browser.$("//*[@role='treeitem']//*[contains(@class, 'tree__label') and .='Baton demo']");
  await collection.waitForClickable({ timeout: 30_000 });
  // A fresh workspace opens its only collection; open it if it is not.
  const tree = await browser.$("//*[@role='treeitem' and .//*[contains(@class, 'tree__label') and .='Baton demo']]");
  if ((await tree.getAttribute("aria-expanded")) !== "true") await collection.click();
  const scenario = await browser.$("//*[contains(@class, 'tree__label') and starts-with(., '6. Agents')]");
  await scenario.waitForClickable({ timeout: 10_000 });
  await scenario.click();
  const run = await browser.$("//button[starts-with(normalize-space(.), 'Run')]");
  await run.click();
  await browser.$("section[aria-label='Delegation graph'][data-ready='true']").waitForExist({ timeout: 20_000 });
  await browser.pause(800);
  shoot("app-agent-chain.png");
  const last = await browser.$("//*[@data-testid='token-node' and contains(., 'payment-agent ← flight-agent')]");
  await last.click();
  await browser.$("aside[aria-label='Inspector']").waitForExist({ timeout: 10_000 });
  const diff = await browser.$("section[aria-label='Diff against the subject token']");
  await diff.waitForExist({ timeout: 10_000 });
  await diff.scrollIntoView({ block: "center" });
  await browser.pause(500);
  shoot("app-inspector.png");

  // Presentation mode, at the third hop.
  await browser.keys("Escape");
  await (await browser.$("//button[normalize-space(.)='Present']")).click();
  const step = await browser.$("[data-testid='presentation-step']");
  await step.waitForExist({ timeout: 20_000 });
  for (let i = 0; i < 6; i += 1) await browser.keys("ArrowRight");
  await browser.waitUntil(async () => (await step.getAttribute("data-index")) === "6", { timeout: 10_000 });
  await browser.pause(1000);
  shoot("app-presentation.png");
  await browser.keys("Escape");
  await browser.pause(500);

  // Compare on the AI assistant's exchange.
  await (await browser.$("//*[contains(@class, 'tree__label') and starts-with(., '5. An AI')]")).click();
  const airline = await browser.$("[data-step='airline'] button.step__button");
  await airline.waitForClickable({ timeout: 10_000 });
  await airline.click();
  await (await browser.$("//button[normalize-space(.)='Compare']")).click();
  await browser.$("[data-testid='compare-side'][data-mode='impersonation'] [data-testid='compare-act']").waitForExist({ timeout: 20_000 });
  await browser.pause(1200);
  shoot("app-compare.png");
  await browser.keys("Escape");

  // The collection runner, after a run of the whole demo.
  await collectionAction(browser, "Baton demo", "Run collection…");
  await (await browser.$("//button[normalize-space(.)='Run all']")).click();
  await browser.$("[role='status'][aria-label='Collection run outcome']").waitForExist({ timeout: 30_000 });
  const refusals = await browser.$("//button[starts-with(@aria-label, 'Show assertions of 7.')]");
  if (await refusals.isExisting()) await refusals.click();
  await browser.pause(500);
  shoot("app-runner.png");

  // The lab panel with its recent requests.
  await (await browser.$("//button[normalize-space(.)='Lab…']")).click();
  await browser.$("[data-testid='lab-request-row']").waitForExist({ timeout: 10_000 });
  await browser.pause(500);
  shoot("app-lab.png");

  // The Probe view of the demo's lab server after a run, a chain-splicing probe's exchanges open.
  await collection.click();
  await (await browser.$("//button[normalize-space(.)='Probe…']")).click();
  await (await browser.$("//button[normalize-space(.)='Run probes']")).click();
  await browser.$("[data-testid='probe-grade']").waitForExist({ timeout: 60_000 });
  const splice = await browser.$("[data-testid='probe-result'][data-probe='chain.upstream-splice'] button");
  await splice.scrollIntoView({ block: "center" });
  await splice.click();
  await browser.$("aside[aria-label='Probe exchanges']").waitForExist({ timeout: 10_000 });
  await browser.execute(() => document.querySelector(".probe__main")?.scrollTo(0, 0));
  await browser.pause(600);
  shoot("app-probe.png");
} finally {
  await app.stop();
}
