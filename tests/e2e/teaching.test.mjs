// The real app for trainers: compare delegation with impersonation on the demo's AI assistant,
// walk the three-hop agent chain in presentation mode, and edit the lab's policy so that an
// exchange is refused (a mistake first: it is shown at its line and the lab keeps running), and
// close the window with an unsaved edit (it asks first).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { collectionAction, launch, openScenario, runOpenScenario } from "./driver.mjs";

let app;

before(async () => {
  app = await launch();
});

after(async () => {
  await app?.stop();
});

const TIMEOUT = 20_000;

async function button(browser, name) {
  const b = await browser.$(`//button[normalize-space(.)='${name}']`);
  await b.waitForExist({ timeout: TIMEOUT });
  await b.scrollIntoView();
  try {
    await b.waitForClickable({ timeout: TIMEOUT });
  } catch (e) {
    await browser.saveScreenshot(`/tmp/e2e-${name.replace(/\W/g, "")}.png`);
    throw e;
  }
  return b;
}

test("compare on the AI assistant's exchange shows act with delegation and none with impersonation", async () => {
  const { browser } = app;
  await openScenario(browser, "5. An AI assistant");
  const step = await browser.$("[data-step='airline'] button.step__button");
  await step.waitForClickable({ timeout: TIMEOUT });
  await step.click();
  await (await button(browser, "Compare")).click();

  const delegation = await browser.$("[data-testid='compare-side'][data-mode='delegation'] [data-testid='compare-act']");
  const impersonation = await browser.$("[data-testid='compare-side'][data-mode='impersonation'] [data-testid='compare-act']");
  await delegation.waitForExist({ timeout: TIMEOUT });
  await impersonation.waitForExist({ timeout: TIMEOUT });
  assert.match(await delegation.getText(), /travel-assistant/);
  assert.match(await impersonation.getText(), /no act/);
  // Both sides really got a token from the lab.
  const sides = await browser.$$("[data-testid='compare-side'][data-outcome='issued']");
  assert.equal(sides.length, 2, "the lab issued a token on both sides");
  const differs = await browser.$("[data-testid='compare-side'][data-mode='delegation'] [data-fact='act'][data-differs='true']");
  assert.ok(await differs.isExisting(), "act is marked as the difference");

  await browser.keys("Escape");
  await browser.waitUntil(async () => !(await browser.$("[data-testid='compare']").isExisting()), {
    timeout: TIMEOUT,
    timeoutMsg: "Esc did not close the comparison",
  });
});

test("presentation mode walks the three-hop chain one step at a time, the graph growing", async () => {
  const { browser } = app;
  await openScenario(browser, "6. Agents delegating");
  await (await button(browser, "Present")).click();
  const root = await browser.$("[data-testid='presentation']");
  await root.waitForExist({ timeout: TIMEOUT });
  const heading = await browser.$("[data-testid='presentation-step']");
  const graph = await browser.$(".presentation__graph");
  // It runs the scenario first when it has no run yet.
  await browser.waitUntil(async () => (await heading.isExisting()) && (await heading.getAttribute("data-index")) === "0", {
    timeout: TIMEOUT,
    timeoutMsg: "the first step was not shown",
  });

  const tokens = [];
  for (let i = 0; i < 8; i += 1) {
    await browser.waitUntil(async () => (await heading.getAttribute("data-index")) === String(i), {
      timeout: TIMEOUT,
      timeoutMsg: `step ${i + 1} was not shown`,
    });
    tokens.push(Number(await graph.getAttribute("data-tokens")));
    if (i < 7) await browser.keys("ArrowRight");
  }
  assert.deepEqual(tokens, [1, 2, 3, 4, 5, 6, 7, 7], "each step adds its token to the graph");
  assert.equal(await graph.getAttribute("data-exchanges"), "6");
  assert.match(await root.getText(), /payment-agent/);

  await browser.keys("ArrowLeft");
  await browser.waitUntil(async () => (await heading.getAttribute("data-index")) === "6", { timeout: TIMEOUT });
  await browser.keys("Escape");
  await browser.waitUntil(async () => !(await root.isExisting()), {
    timeout: TIMEOUT,
    timeoutMsg: "Esc did not leave presentation mode",
  });
});

/** Puts `text` in the policy editor as a user's paste would. */
async function setPolicy(browser, text) {
  const editor = await browser.$("[data-testid='lab-policy-editor']");
  await editor.waitForExist({ timeout: TIMEOUT });
  await browser.execute(
    (el, value) => {
      const set = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set;
      set.call(el, value);
      el.dispatchEvent(new Event("input", { bubbles: true }));
    },
    editor,
    text,
  );
}

test("a policy mistake is shown at its line; taking away delegation makes the exchange refused", async () => {
  const { browser } = app;
  await (await button(browser, "Lab…")).click();
  const editor = await browser.$("[data-testid='lab-policy-editor']");
  await editor.waitForExist({ timeout: TIMEOUT });
  const policy = await editor.getValue();
  assert.match(policy, /client_id = "order-service"/);

  // A mistake: refused at its line, the running lab untouched.
  const broken = policy.replace("max_chain_depth = 4", 'max_chain_depth = "four"');
  const line = broken.split("\n").findIndex((l) => l.startsWith("max_chain_depth")) + 1;
  await setPolicy(browser, broken);
  await (await browser.$("[data-testid='lab-apply']")).click();
  const error = await browser.$("[data-testid='lab-policy-error']");
  await error.waitForExist({ timeout: TIMEOUT });
  assert.equal(await error.getAttribute("data-line"), String(line));

  // The order service may now only impersonate: its delegation is refused.
  const edited = policy.replace(/(client_id = "order-service"[\s\S]*?)may_delegate = true/, "$1may_impersonate = true");
  assert.notEqual(edited, policy);
  await setPolicy(browser, edited);
  await (await browser.$("[data-testid='lab-apply']")).click();
  await browser.waitUntil(async () => (await browser.$("//*[@role='status' and contains(., 'Restarted with the new policy')]").isExisting()), {
    timeout: TIMEOUT,
    timeoutMsg: "the lab did not restart",
  });
  const client = await browser.$("[data-testid='lab-client'][data-client='order-service']");
  assert.doesNotMatch(await client.getText(), /may delegate/);

  await openScenario(browser, "1. Microservices");
  await runOpenScenario(browser, "failed");
  const payments = await browser.$("[data-step='payments'] [data-status]");
  assert.equal(await payments.getAttribute("data-status"), "failed");
  assert.match(await (await browser.$("[data-step='payments']")).getText(), /unauthorized_client|may not delegate/);

  // The lab panel lists the refusal.
  await (await button(browser, "Lab…")).click();
  const refused = await browser.$("[data-testid='lab-request-row'][data-outcome='refused']");
  await refused.waitForExist({ timeout: TIMEOUT });
  assert.match(await refused.getText(), /order-service/);
});

test("closing the window with an unsaved environment edit asks first, and Keep editing keeps it", async () => {
  const { browser } = app;
  await collectionAction(browser, "Baton demo", "Environments…");
  const value = await browser.$("input[aria-label='Variable 1 value']");
  await value.waitForExist({ timeout: TIMEOUT });
  await value.addValue("-edited");
  // What the window manager's close button does: a close request to the window.
  await browser.execute(() => {
    void window.__TAURI_INTERNALS__.invoke("plugin:window|close", { label: "main" });
  });
  const dialog = await browser.$("[role='dialog']");
  await dialog.waitForExist({ timeout: TIMEOUT });
  assert.match(await dialog.getText(), /Discard unsaved changes to the environment/);
  await (await button(browser, "Keep editing")).click();
  await browser.waitUntil(async () => !(await dialog.isExisting()), { timeout: TIMEOUT });
  assert.match(await value.getValue(), /-edited$/, "the edit is still there");
});
