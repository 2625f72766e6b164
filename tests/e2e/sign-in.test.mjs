// The real app signs a user in: a step with the authorization code grant opens the "browser"
// (BATON_BROWSER: tests/e2e/fake-browser.mjs, which fills in the lab's sign-in page as alice), the
// window shows that it waits, and the run goes on with alice's tokens. A sign-in nobody finishes
// is cancelled from the window, and the step fails as cancelled.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";

import { launch, openScenario } from "./driver.mjs";

const TIMEOUT = 30_000;
const fakeBrowser = path.resolve(import.meta.dirname, "fake-browser.mjs");
let app;
let control;

before(async () => {
  app = await launch({
    prepare: (dataDir) => {
      control = path.join(dataDir, "fake-browser-control");
      writeFileSync(control, "allow");
      return {
        BATON_BROWSER: fakeBrowser,
        BATON_FAKE_BROWSER_CONTROL: control,
        // Long enough for the window to show that it waits.
        BATON_FAKE_BROWSER_DELAY_MS: "2500",
        BATON_FAKE_BROWSER_LOG: path.join(dataDir, "fake-browser.log"),
      };
    },
  });
});

after(async () => {
  await app?.stop();
});

async function click(browser, xpath) {
  const element = await browser.$(xpath);
  await element.waitForClickable({ timeout: TIMEOUT });
  await element.click();
}

async function openSignInScenario(browser) {
  const tree = await browser.$("//*[@role='treeitem' and .//*[contains(@class, 'tree__label') and .='Sign-in demo']]");
  await tree.waitForExist({ timeout: TIMEOUT });
  if ((await tree.getAttribute("aria-expanded")) !== "true") {
    await click(browser, "//*[@role='treeitem']//*[contains(@class, 'tree__label') and .='Sign-in demo']");
  }
  await openScenario(browser, "A user signs in");
}

const outcome = (browser) => browser.$("[aria-label='Last run outcome']");

test("alice signs in through the lab's page in the browser: the window shows the wait, then her tokens", async () => {
  const { browser } = app;
  await openSignInScenario(browser);
  await click(browser, "//button[starts-with(normalize-space(.), 'Run')]");

  const banner = await browser.$("[data-testid='sign-in-waiting']");
  await banner.waitForExist({ timeout: TIMEOUT });
  assert.match(await banner.getText(), /Waiting for you to sign in at Baton lab token service in your browser/);
  const address = await browser.$("[aria-label='Sign-in address']");
  assert.match(await address.getValue(), /^http:\/\/127\.0\.0\.1:\d+\/authorize\?/);

  const result = await outcome(browser);
  await result.waitForExist({ timeout: TIMEOUT });
  await browser.waitUntil(async () => (await result.getText()).includes("passed"), {
    timeout: TIMEOUT,
    timeoutMsg: "the sign-in scenario did not pass",
  });
  await banner.waitForExist({ reverse: true, timeout: TIMEOUT });

  // Her access token and her ID token are drawn, both about alice.
  await browser.$("section[aria-label='Delegation graph'][data-ready='true']").waitForExist({ timeout: TIMEOUT });
  const nodes = await browser.$$("[data-testid='token-node']");
  assert.ok(nodes.length >= 1, "alice's token is drawn");
  for (const node of nodes) assert.equal(await node.getAttribute("data-sub"), "alice");
});

test("a sign-in nobody finishes is cancelled from the window: the step fails as cancelled", async () => {
  const { browser } = app;
  writeFileSync(control, "ignore");
  await click(browser, "//button[starts-with(normalize-space(.), 'Run')]");
  const banner = await browser.$("[data-testid='sign-in-waiting']");
  await banner.waitForExist({ timeout: TIMEOUT });
  await click(browser, "//button[normalize-space(.)='Cancel sign-in']");
  await banner.waitForExist({ reverse: true, timeout: TIMEOUT });

  const result = await outcome(browser);
  await browser.waitUntil(async () => (await result.getText()).includes("failed"), {
    timeout: TIMEOUT,
    timeoutMsg: "the cancelled sign-in did not fail the run",
  });
  const error = await browser.$("//*[contains(@class, 'step-failure__error') and contains(., 'cancelled')]");
  await error.waitForExist({ timeout: TIMEOUT });
});
