import { equal, includes, ok } from "./assert.mjs";
import { ipcCalls, collectionAction } from "./helpers.mjs";

const CHAIN = "6. Agents delegating to agents: a three-hop act chain";
const REFUSALS = "7. Refusals";

async function openRunner(page) {
  await page.getByRole("tree", { name: "Collections" }).getByText("Baton demo", { exact: true }).click();
  await collectionAction(page, "Baton demo", "Run collection…");
  await page.getByRole("heading", { level: 1, name: "Run “Baton demo”" }).waitFor();
}

const result = (page, name) => page.getByTestId("scenario-result").filter({ has: page.locator(".runner-result__name", { hasText: name }) });
const progressText = (page) => page.locator(".run-progress__text").innerText();
const progressNow = (page) => page.getByTestId("collection-progress").getAttribute("aria-valuenow");
// The width the bar is set to (its transition may still be drawing it).
const fillWidth = (page) => page.locator(".run-progress__fill").evaluate((el) => parseFloat(el.style.width));

async function waitForText(page, locator, part) {
  await page.waitForFunction(
    ([sel, text]) => document.querySelector(sel)?.textContent?.includes(text),
    [locator, part],
  );
}

export const tests = [
  {
    name: "the collection runner's progress bar advances scenario by scenario, and Cancel keeps what finished",
    config: { holdCollectionRuns: true },
    async run({ page }) {
      await openRunner(page);
      equal(await page.getByRole("checkbox").count(), 9, "a checkbox per scenario");
      await page.getByRole("button", { name: "Run all" }).click();

      // The fake pauses inside the first scenario it can run (6th of 9); the first five erred.
      await waitForText(page, ".run-progress__text", `Scenario 6 of 9: ${CHAIN}`);
      includes(await progressText(page), "step Bob signs in", "the step running");
      equal(await progressNow(page), "5", "scenarios finished");
      const before = await fillWidth(page);
      ok(before > 0, "the bar shows the five finished scenarios");
      equal(await result(page, CHAIN).getAttribute("data-status"), "running", "the scenario running");
      equal(await result(page, "1. Microservices").getAttribute("data-status"), "error", "a scenario the fake cannot run");

      await page.evaluate(() => window.__baton.backend.releaseCollectionRun());
      await waitForText(page, ".run-progress__text", `Scenario 7 of 9: ${REFUSALS}`);
      equal(await progressNow(page), "6", "scenarios finished");
      ok((await fillWidth(page)) > before, "the bar advanced");
      equal(await result(page, CHAIN).getAttribute("data-status"), "passed", "the finished scenario");
      // The window answers while the run goes on: the finished scenario's assertions open.
      await result(page, CHAIN).getByRole("button", { name: /^Show assertions of 6\./ }).click();
      await result(page, CHAIN).getByRole("list", { name: "Assertions of Payment agent → payments API" }).waitFor();

      await page.getByRole("button", { name: "Cancel" }).click();
      const tally = page.getByRole("status", { name: "Collection run outcome" });
      await tally.waitFor();
      includes(await tally.innerText(), "Cancelled", "the tally");
      equal(await result(page, CHAIN).getAttribute("data-status"), "passed", "a finished scenario keeps its result");
      equal(await result(page, REFUSALS).getAttribute("data-status"), "cancelled", "the scenario stopped");
      includes(await result(page, REFUSALS).innerText(), "cancelled", "its badge");
      ok(await result(page, CHAIN).getByRole("button", { name: /^Open run #\d+/ }).isVisible(), "a link to the saved run");
      equal((await ipcCalls(page, "cancel_collection_run")).length, 1, "cancel_collection_run calls");
    },
  },
  {
    name: "the collection runner reports a failing assertion as failed",
    async run({ page }) {
      await openRunner(page);
      await page.getByRole("button", { name: "Select none" }).click();
      await page.getByRole("checkbox", { name: CHAIN }).check();
      await page.getByRole("checkbox", { name: REFUSALS }).check();
      await page.getByRole("button", { name: "Run 2 selected" }).click();
      await page.getByRole("status", { name: "Collection run outcome" }).waitFor();

      equal(await page.getByTestId("scenario-result").count(), 2, "result rows");
      equal(await result(page, CHAIN).getAttribute("data-status"), "passed", CHAIN);
      equal(await result(page, REFUSALS).getAttribute("data-status"), "failed", REFUSALS);
      const failed = result(page, REFUSALS).locator('li[data-passed="false"]');
      ok(await failed.first().isVisible(), "the failed scenario shows its failed assertions at once");
      includes(await failed.first().innerText(), "HTTP status: expected 200, got 400 (invalid_scope)", "the failed assertion");
      equal(await progressNow(page), "2", "scenarios finished");
      const calls = await ipcCalls(page, "run_collection");
      equal(calls[0].args, { collection: "Baton demo", scenarioIds: ["agent-chain", "refusals"], environment: "lab" }, "run_collection args");
    },
  },
];
