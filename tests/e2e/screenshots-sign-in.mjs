// Takes the screenshots of the sign-in panel and the preset dialog (not a test): a sign-in
// nobody finishes (the fake browser ignores it), then "New server from a preset…" filled for
// Keycloak. Run: xvfb-run -a -s "-screen 0 1280x800x24" node tests/e2e/screenshots-sign-in.mjs
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";

import { launch, openScenario } from "./driver.mjs";

const out = path.resolve(import.meta.dirname, "../../docs/images");
const shoot = (name) => {
  execFileSync("import", ["-window", "root", path.join(out, name)], { env: process.env });
  console.log(`wrote docs/images/${name}`);
};
const TIMEOUT = 30_000;

const app = await launch({
  prepare: (dataDir) => {
    const control = path.join(dataDir, "fake-browser-control");
    writeFileSync(control, "ignore");
    return { BATON_BROWSER: path.resolve(import.meta.dirname, "fake-browser.mjs"), BATON_FAKE_BROWSER_CONTROL: control };
  },
});
try {
  const { browser } = app;
  await browser.setWindowSize(1280, 800);
  const click = async (xpath) => {
    const element = await browser.$(xpath);
    await element.waitForClickable({ timeout: TIMEOUT });
    await element.click();
  };

  // The sign-in panel, while the step waits for the browser.
  await click("//*[@role='treeitem']//*[contains(@class, 'tree__label') and .='Sign-in demo']");
  await openScenario(browser, "A user signs in");
  await click("//button[starts-with(normalize-space(.), 'Run')]");
  await browser.$("[data-testid='sign-in-waiting']").waitForExist({ timeout: TIMEOUT });
  await browser.pause(600);
  shoot("app-sign-in.png");
  await click("//button[normalize-space(.)='Cancel sign-in']");
  await browser.$("[data-testid='sign-in-waiting']").waitForExist({ reverse: true, timeout: TIMEOUT });

  // A server from the Keycloak preset, filled.
  await click("//button[normalize-space(.)='Servers…']");
  await click("//button[normalize-space(.)='New server from a preset…']");
  const provider = await browser.$("//div[@role='dialog']//select");
  await provider.waitForExist({ timeout: TIMEOUT });
  await provider.selectByAttribute("value", "keycloak");
  await (await browser.$("//div[@role='dialog']//input[@placeholder='https://sso.example.com']")).setValue("https://sso.example.com");
  await (await browser.$("//div[@role='dialog']//input[@placeholder='myrealm']")).setValue("shop");
  await click("//button[normalize-space(.)='Show endpoints']");
  await browser.$("//section[@aria-label='Filled endpoints']").waitForExist({ timeout: TIMEOUT });
  await browser.pause(500);
  shoot("app-preset.png");
} finally {
  await app.stop();
}
