// The real app probing its own lab: the Probe view of the demo's lab server, opened from the
// Servers panel, runs every probe with the demo's [probe] roles; the lab as it ships passes every
// probe that applies to it, so no error-level probe fails and the grade is A or B.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { launch } from "./driver.mjs";

const TIMEOUT = 30_000;
let app;

before(async () => {
  app = await launch();
});

after(async () => {
  await app?.stop();
});

async function click(browser, xpath) {
  const element = await browser.$(xpath);
  await element.waitForClickable({ timeout: TIMEOUT });
  await element.click();
}

test("the demo's lab server is probed from the Probe view: graded, no error-level probe failed", async () => {
  const { browser } = app;
  await click(browser, "//*[@role='treeitem']//*[contains(@class, 'tree__label') and .='Baton demo']");
  await click(browser, "//button[normalize-space(.)='Servers…']");
  await click(browser, "//button[@aria-label='Probe lab']");
  await (await browser.$("//h1[normalize-space(.)='Probe “lab”']")).waitForExist({ timeout: TIMEOUT });
  // The roles come from the demo's [probe].
  const exchanger = await browser.$("//fieldset[@aria-label='Roles']//label[normalize-space(.)='Exchanger']/following-sibling::select");
  assert.equal(await exchanger.getValue(), "agent-a");

  await click(browser, "//button[normalize-space(.)='Run probes']");
  const grade = await browser.$("[data-testid='probe-grade']");
  await grade.waitForExist({ timeout: 120_000 });
  const progress = await browser.$("[data-testid='probe-progress']");
  const total = await progress.getAttribute("aria-valuemax");
  assert.ok(Number(total) >= 60, `at least 60 probes ran (${total})`);
  assert.equal(await progress.getAttribute("aria-valuenow"), total, "every probe finished");
  const rows = await browser.$$("[data-testid='probe-result']");
  assert.equal(rows.length, Number(total), "a result per probe");

  const errors = await browser.$$("[data-testid='probe-result'][data-outcome='fail'][data-severity='error']");
  const failed = [];
  for (const row of errors) failed.push(`${await row.getAttribute("data-probe")}: ${await row.getText()}`);
  assert.deepEqual(failed, [], "no error-level probe fails against the lab as it ships");
  assert.match(await grade.getText(), /^[AB]$/, "grade A or B");

  // The run is in the history.
  await click(browser, "//button[normalize-space(.)='History']");
  const saved = await browser.$("[data-testid='probe-history-row']");
  await saved.waitForExist({ timeout: TIMEOUT });
  assert.equal(await saved.getAttribute("aria-current"), "true");
});
