import { equal, includes, ok } from "./assert.mjs";
import { graphDrawn, openScenario, statusOf, collectionAction } from "./helpers.mjs";

const CHAIN = /three-hop act chain/;

/** Two saved runs of the three-hop chain, an hour apart; in the second the last hop's token is for
 * another audience. */
async function seedTwoChainRuns(page) {
  await page.evaluate(() => {
    const { backend, fixtures } = window.__baton;
    const later = structuredClone(fixtures.agentChain);
    later.record.started_at += 3600;
    later.record.steps.find((s) => s.id === "hop-3").token.decoded.claims.aud = "billing-api";
    backend.addHistory(fixtures.agentChain);
    backend.addHistory(later);
  });
}

export const tests = [
  {
    name: "the history lists a scenario's past runs, opens an old one in the graph, and goes back to the latest",
    async run({ page }) {
      await page.evaluate(() => {
        const { backend, fixtures } = window.__baton;
        const passed = structuredClone(fixtures.refusals);
        passed.record.started_at += 3600;
        passed.record.outcome = "passed";
        const step = passed.record.steps.find((s) => s.id === "escalation");
        step.status = "passed";
        step.assertions = step.assertions.map((a) => ({ ...a, passed: true }));
        backend.addHistory(fixtures.refusals);
        backend.addHistory(passed);
      });
      await openScenario(page, /Refusals/);
      await page.waitForFunction(() => document.querySelector('[data-step="escalation"] [data-status]')?.getAttribute("data-status") === "passed");
      await page.getByRole("button", { name: "History", exact: true }).click();

      const rows = page.getByTestId("run-history-row");
      await rows.first().waitFor();
      equal(await rows.evaluateAll((els) => els.map((e) => [e.dataset.runId, e.dataset.outcome])), [["2", "passed"], ["1", "failed"]], "runs, newest first");
      includes(await rows.nth(0).innerText(), "ms", "duration");

      await rows.nth(1).getByRole("button", { name: /^Open run #1/ }).click();
      const shown = page.getByRole("status", { name: "Shown run" });
      await shown.waitFor();
      includes(await shown.innerText(), "Run #1", "the run shown");
      await page.waitForFunction(() => document.querySelector('[data-step="escalation"] [data-status]')?.getAttribute("data-status") === "failed");
      includes(await page.locator('[data-step="escalation"]').innerText(), "expected 200, got 400", "the old run's failure, inline");

      await page.getByRole("button", { name: "Back to latest run" }).click();
      await shown.waitFor({ state: "detached" });
      equal(await statusOf(page, "escalation"), "passed", "the latest run again");
    },
  },
  {
    name: "comparing two runs of a scenario names the claim that changed",
    async run({ page }) {
      await seedTwoChainRuns(page);
      await openScenario(page, CHAIN);
      await graphDrawn(page, 7);
      await page.getByRole("button", { name: "History", exact: true }).click();
      await page.getByRole("checkbox", { name: "Pick run #1 to compare" }).check();
      await page.getByRole("checkbox", { name: "Pick run #2 to compare" }).check();
      await page.getByRole("button", { name: "Compare runs #1 and #2" }).click();

      const diff = page.getByRole("region", { name: "Differences from run #1 to run #2" });
      await diff.waitFor();
      const text = await diff.innerText();
      includes(text, "Payment agent → payments API", "the step that changed");
      includes(text, "Claim aud: “payments-api” → “billing-api”", "the claim that changed");
      equal(await diff.getByRole("listitem").count(), 1, "changes");

      // The old run is drawn as the latest was.
      await page.getByRole("button", { name: /^Open run #1/ }).click();
      await page.getByRole("status", { name: "Shown run" }).waitFor();
      await graphDrawn(page, 7);
      ok(await page.locator('.react-flow__node:has-text("payments-api")').count() > 0, "run #1's token for payments-api is drawn");
    },
  },
  {
    name: "a scenario's saved run opens from the collection runner",
    async run({ page }) {
      await page.getByRole("tree", { name: "Collections" }).getByText("Baton demo", { exact: true }).click();
      await collectionAction(page, "Baton demo", "Run collection…");
      await page.getByRole("button", { name: "Select none" }).click();
      await page.getByRole("checkbox", { name: "6. Agents delegating to agents: a three-hop act chain" }).check();
      await page.getByRole("button", { name: "Run 1 selected" }).click();
      await page.getByRole("button", { name: /^Open run #1 of 6\./ }).click();

      await page.getByRole("heading", { level: 1, name: CHAIN }).waitFor();
      includes(await page.getByRole("status", { name: "Shown run" }).innerText(), "Run #1", "the run shown");
      await graphDrawn(page, 7);
      equal(await statusOf(page, "hop-3"), "passed", "hop-3");
    },
  },
];
