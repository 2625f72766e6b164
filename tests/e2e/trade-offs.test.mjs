// The real app for trainers, at the window size a user has (1280×800 under Xvfb): the three-hop
// graph readable at the zoom it opens with, its chain of principals in order, the token service
// taken down and brought back by the outage scenario, and the cache saving round trips.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { launch, openScenario, runOpenScenario } from "./driver.mjs";

let app;

before(async () => {
  app = await launch();
});

after(async () => {
  await app?.stop();
});

const TIMEOUT = 30_000;

/** Opens a collection from the sidebar (a click opens it; it never collapses it). */
async function openCollection(browser, name) {
  const row = await browser.$(`//*[@role='treeitem']//*[contains(@class, 'tree__label') and .='${name}']`);
  await row.waitForClickable({ timeout: TIMEOUT });
  await row.click();
}

async function graphReady(browser) {
  const graph = await browser.$(".scenario .graph[data-ready='true']");
  await graph.waitForExist({ timeout: TIMEOUT });
}

/** The smallest text on a token card, in px on screen: its font size times the graph's zoom. */
function smallestCardText(browser) {
  return browser.execute(() => {
    const viewport = document.querySelector(".scenario .react-flow__viewport");
    const zoom = new DOMMatrixReadOnly(getComputedStyle(viewport).transform).a;
    let smallest = Infinity;
    let where = "";
    for (const el of document.querySelectorAll(".scenario .token-node *")) {
      const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim() !== "");
      if (!own) continue;
      const px = parseFloat(getComputedStyle(el).fontSize) * zoom;
      if (px < smallest) {
        smallest = px;
        where = el.className || el.tagName;
      }
    }
    return { zoom, smallest, where, cards: document.querySelectorAll(".scenario .token-node").length };
  });
}

test("the three-hop graph opens readable in the 1280×800 window, and its chain names all four principals in order", async () => {
  const { browser } = app;
  const size = await browser.execute(() => [window.innerWidth, window.innerHeight]);
  assert.ok(size[0] <= 1280 && size[1] <= 800, `the window is the default size, not larger: ${size}`);
  await openScenario(browser, "6. Agents");
  await runOpenScenario(browser, "passed");
  await graphReady(browser);
  const text = await smallestCardText(browser);
  assert.ok(text.cards > 0, "cards are drawn");
  assert.ok(text.smallest >= 12, `smallest card text ${text.smallest.toFixed(1)} px (${text.where}) at zoom ${text.zoom}`);

  const both = await browser.$("//*[@role='group' and @aria-label='Show']//button[normalize-space(.)='Both']");
  await both.click();
  const chain = await browser.$("[aria-label='Delegation chain'] [data-testid='chain']");
  await chain.waitForExist({ timeout: TIMEOUT });
  const labels = await browser.execute(() =>
    [...document.querySelectorAll("[aria-label='Delegation chain'] [data-testid='chain']")].map((c) => c.getAttribute("aria-label")),
  );
  assert.ok(
    labels.includes("Chain: bob → planner-agent → flight-agent → payment-agent"),
    `a chain reads bob → planner-agent → flight-agent → payment-agent: ${JSON.stringify(labels)}`,
  );
  // The chain view and the graph both fit: the graph's cards stay readable beside the chain.
  await graphReady(browser);
  const withChain = await smallestCardText(browser);
  assert.ok(withChain.smallest >= 12, `with the chain shown, card text ${withChain.smallest.toFixed(1)} px`);
});

test("the outage scenario takes the lab down, fails, retries through a 503 and recovers", async () => {
  const { browser } = app;
  await openCollection(browser, "Baton trade-offs");
  await openScenario(browser, "The token service goes down");
  try {
    await runOpenScenario(browser, "passed");
  } catch (e) {
    await browser.saveScreenshot("/tmp/e2e-outage.png");
    throw e;
  }
  const steps = await browser.$("[aria-label='Steps']");
  const words = await steps.getText();
  assert.match(words, /No answer, as the step expected: .*(connection refused|closed before an answer came)/i, "the outage is named in words");
  assert.match(words, /lab: down/i, "the lab step says what it changed");
  const cached = await browser.$("[data-step='during-cached'] .from-cache");
  assert.ok(await cached.isExisting(), "during the outage, a service with a cached token still gets its token");
  const attempts = await browser.$$("[data-testid='step-attempt']");
  assert.ok(attempts.length >= 2, "the retrying step shows each attempt with its timing");
  assert.match(await attempts[1].getText(), /after waiting \d+ ms: HTTP 200/, "the second try waited and got through");
  await graphReady(browser);
  const refusals = await browser.$$(".scenario [data-testid='refusal-node']");
  assert.ok(refusals.length >= 1, "the exchange the outage stopped is drawn as a refusal");
});

test("the cache scenario makes 100 round trips without the cache and 1 with it", async () => {
  const { browser } = app;
  await openCollection(browser, "Baton demo");
  await openScenario(browser, "8. 100 calls");
  await runOpenScenario(browser, "passed");
  const facts = await browser.execute(() =>
    [...document.querySelectorAll("[aria-label='Repeated calls']")].map((r) =>
      Object.fromEntries([...r.querySelectorAll("dt")].map((dt) => [dt.textContent.trim(), dt.nextElementSibling?.textContent.trim()])),
    ),
  );
  assert.equal(facts.length, 2, `both repeated steps show their calls: ${JSON.stringify(facts)}`);
  assert.equal(facts[0]["calls"], "100");
  assert.equal(facts[0]["round trips"], "100", "without the cache: a round trip per call");
  assert.equal(facts[1]["round trips"], "1", "with the cache: one round trip");
  assert.equal(facts[1]["from cache"], "99");
  const histogram = await browser.$("svg[aria-label='Latency histogram of 100 calls']");
  assert.ok(await histogram.isExisting(), "a latency histogram of the 100 calls");
});

test("chain splicing: the hardened lab's refusal and the vulnerable lab's spliced token side by side in Compare, with the attack in words", async () => {
  const { browser } = app;
  await openCollection(browser, "Baton trade-offs");
  await openScenario(browser, "Chain splicing");
  await runOpenScenario(browser, "passed");
  const refused = await browser.$("[data-step='splice-hardened'] button.step__button");
  await refused.waitForClickable({ timeout: TIMEOUT });
  await refused.click();
  const compare = await browser.$("//aside[@aria-label='Inspector']//button[normalize-space(.)='Compare…']");
  await compare.waitForClickable({ timeout: TIMEOUT });
  await compare.click();
  const dialog = await browser.$("[role='dialog'][aria-label='Compare tokens']");
  await dialog.waitForExist({ timeout: TIMEOUT });
  const thisSide = await dialog.$("section[aria-label='This side']");
  const otherSide = await dialog.$("section[aria-label='The other side']");
  await otherSide.waitForExist({ timeout: TIMEOUT });
  assert.match(await thisSide.getText(), /invalid_request/, "the hardened lab refused the splice");
  assert.match(await otherSide.getText(), /agent-n/, "the vulnerable lab let agent-n into the chain");
  const words = await dialog.$("section[aria-label='What the scenario shows']");
  assert.match(await words.getText(), /may_act/, "the attack explained in words");
});
