// The real app for QA: a collection with one assertion that cannot hold is run with the
// collection runner; the one failing scenario and its failing assertion are reported as such,
// and the runs are saved in the scenario's history.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";

import { cli, collectionAction, launch } from "./driver.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const TIMEOUT = 30_000;
let app;

/** The demo as "QA demo", with one more assertion on the assistant's exchange: act.sub is someone else. */
function qaCollection(dir) {
  const demo = readFileSync(path.join(root, "examples/demo.baton.toml"), "utf8");
  const qa = demo
    .replace('name = "Baton demo"', 'name = "QA demo"')
    .replace('{ act_chain = ["travel-assistant"] },', '{ act_chain = ["travel-assistant"] },\n    { claim = "act.sub", equals = "someone-else" },');
  assert.notEqual(qa, demo);
  const file = path.join(dir, "qa.baton.toml");
  writeFileSync(file, qa);
  return file;
}

before(async () => {
  app = await launch({
    prepare: (dataDir) => {
      execFileSync(cli, ["import", qaCollection(dataDir), "--store", path.join(dataDir, "baton.sqlite")], { stdio: "inherit" });
    },
  });
});

after(async () => {
  await app?.stop();
});

test("a collection run reports the one failing assertion, and the run is in the scenario's history", async () => {
  const { browser } = app;
  await collectionAction(browser, "QA demo", "Run collection…");
  const runAll = await browser.$("//button[normalize-space(.)='Run all']");
  await runAll.waitForClickable({ timeout: TIMEOUT });
  await runAll.click();

  const progress = await browser.$("[data-testid='collection-progress']");
  await progress.waitForExist({ timeout: TIMEOUT });
  const done = await browser.$("[role='status'][aria-label='Collection run outcome']");
  await done.waitForExist({ timeout: TIMEOUT });
  assert.equal(await progress.getAttribute("aria-valuenow"), "9");

  const failed = await browser.$$("[data-testid='scenario-result'][data-status='failed']");
  const passed = await browser.$$("[data-testid='scenario-result'][data-status='passed']");
  assert.equal(failed.length, 1, "one scenario fails");
  assert.equal(passed.length, 8, "the eight others pass");
  assert.match(await failed[0].getText(), /5\. An AI assistant/);
  const assertion = await failed[0].$("li[data-passed='false']");
  await assertion.waitForExist({ timeout: TIMEOUT });
  assert.match(await assertion.getText(), /act\.sub.*someone-else/);

  // The failed scenario's run was saved: it opens from the runner and is in its history.
  const openRun = await failed[0].$(".//button[starts-with(normalize-space(.), 'Open run') or starts-with(@aria-label, 'Open run')]");
  await openRun.click();
  const history = await browser.$("//button[normalize-space(.)='History']");
  await history.waitForClickable({ timeout: TIMEOUT });
  await history.click();
  const rows = await browser.$$("[data-testid='run-history-row']");
  await browser.waitUntil(async () => (await browser.$$("[data-testid='run-history-row']")).length === 1, {
    timeout: TIMEOUT,
    timeoutMsg: "the run is not in the history",
  });
  assert.ok(rows.length <= 1);
  const row = await browser.$("[data-testid='run-history-row']");
  assert.equal(await row.getAttribute("data-outcome"), "failed");
});
