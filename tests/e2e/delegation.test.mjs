// The real app, as a newcomer meets it: launched on an empty data directory it seeds the demo
// workspace; the demo delegation scenario runs against the lab token service; the graph shows the
// issued token carrying `act`; the inspector names the actor.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";

import { launch, openScenario, runOpenScenario } from "./driver.mjs";

let app;

before(async () => {
  app = await launch();
});

after(async () => {
  await app?.stop();
});

const TIMEOUT = 20_000;

test("a fresh start seeds the demo workspace into the empty data directory", async () => {
  const { browser, dataDir } = app;
  const collection = await browser.$("//*[@role='treeitem']//*[contains(@class, 'tree__label') and .='Baton demo']");
  await collection.waitForClickable({ timeout: TIMEOUT });
  // A fresh workspace opens its only collection; open it if it is not.
  const tree = await browser.$("//*[@role='treeitem' and .//*[contains(@class, 'tree__label') and .='Baton demo']]");
  if ((await tree.getAttribute("aria-expanded")) !== "true") await collection.click();
  const scenario = await browser.$("//*[@role='treeitem' and contains(., '1. Microservices')]");
  await scenario.waitForExist({ timeout: TIMEOUT });
  const items = await browser.$$("//*[@role='treeitem']//ul//*[@role='treeitem']");
  assert.equal(items.length, 9, "the nine demo scenarios");
  assert.ok(existsSync(path.join(dataDir, "baton.sqlite")), "the store is in BATON_DATA_DIR");
});

test("running the demo delegation draws the issued token with act, and the inspector names the actor", async () => {
  const { browser } = app;
  await openScenario(browser, "1. Microservices");
  await runOpenScenario(browser, "passed");

  const graph = await browser.$("section[aria-label='Delegation graph'][data-ready='true']");
  await graph.waitForExist({ timeout: TIMEOUT });
  const nodes = await browser.$$("[data-testid='token-node']");
  assert.equal(nodes.length, 4, "alice's token, the service's token, and the two exchanged tokens");

  // The payments token: issued by delegation, about alice, with the order service acting.
  const delegated = await browser.$(
    "//*[@data-testid='token-node' and contains(@class, 'token-node--delegation') and contains(., 'payments-api')]",
  );
  await delegated.waitForExist({ timeout: TIMEOUT });
  assert.equal(await delegated.getAttribute("data-sub"), "alice");
  assert.match(await delegated.getText(), /act\s*order-service/);
  await delegated.click();

  const chain = await browser.$("aside[aria-label='Inspector'] [aria-label='act chain as text']");
  await chain.waitForExist({ timeout: TIMEOUT });
  assert.equal((await chain.getText()).trim(), "act: order-service");
  const acting = await browser.$("aside[aria-label='Inspector'] .principal--actor .principal__name");
  assert.equal(await acting.getText(), "order-service");
});
