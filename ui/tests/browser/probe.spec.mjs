import { equal, includes, ok } from "./assert.mjs";
import { ipcCalls } from "./helpers.mjs";

async function openProbe(page) {
  await page.getByRole("tree", { name: "Collections" }).getByText("Baton demo", { exact: true }).click();
  await page.getByRole("button", { name: "Probe…" }).click();
  await page.getByRole("heading", { level: 1, name: "Probe “lab”" }).waitFor();
}

/** Whether an element's content is wider than its box (something cut off or scrolling sideways). */
const overflows = (locator) => locator.evaluate((el) => el.scrollWidth > el.clientWidth + 1);

export const tests = [
  {
    name: "the Probe view runs with progress and Cancel, then grades the run, lists failures first and opens a probe's exchanges beside the card",
    config: { holdProbeRuns: true, probeReports: ["vulnerable", "vulnerable"] },
    async run({ page }) {
      const report = await page.evaluate(() => window.__baton.fixtures.probeLabVulnerable.report);
      const failures = report.results.filter((r) => r.outcome === "fail");
      await openProbe(page);
      await page.getByRole("button", { name: "Run probes" }).click();

      // Held after the first probe: the bar and the text say where the run is.
      await page.waitForFunction(
        (text) => document.querySelector(".probe-progress .run-progress__text")?.textContent?.includes(text),
        `1 of ${report.results.length}: ${report.results[0].id}`,
      );
      equal(await page.getByTestId("probe-progress").getAttribute("aria-valuenow"), "1", "probes finished");
      await page.getByRole("button", { name: "Cancel" }).click();
      await page.getByRole("region", { name: "Report card" }).waitFor();
      includes(await page.getByRole("region", { name: "Report card" }).innerText(), "cancelled", "the card of a cancelled run");
      equal(await page.getByTestId("probe-result").count(), 1, "the one probe that finished");
      equal((await ipcCalls(page, "cancel_probe_run")).length, 1, "cancel_probe_run calls");

      // A whole run.
      await page.getByRole("button", { name: "Run probes" }).click();
      await page.waitForFunction(() => document.querySelector('[data-testid="probe-progress"]')?.getAttribute("aria-valuenow") === "1");
      await page.evaluate(() => window.__baton.backend.releaseProbeRun());
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid="probe-result"]').length === n, report.results.length);
      equal(await page.getByTestId("probe-grade").innerText(), report.grade, "the grade");
      equal(await page.getByTestId("group-score").count(), report.groups.length, "a line per group");
      const outcomes = await page.getByTestId("probe-result").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-outcome")));
      equal(outcomes.slice(0, failures.length), failures.map(() => "fail"), "failures first");

      // The grade is big, the card and results fit the main column.
      const grade = await page.getByTestId("probe-grade").boundingBox();
      ok(grade.height >= 60 && grade.width >= 60, `the grade is big (${grade.width}×${grade.height})`);
      ok(!(await overflows(page.locator(".probe__main"))), "the main column does not scroll sideways");

      // A failure's exchanges open in the panel beside the results.
      const failed = page.locator('[data-testid="probe-result"][data-outcome="fail"]').first();
      const id = await failed.getAttribute("data-probe");
      const result = report.results.find((r) => r.id === id);
      await failed.getByRole("button").click();
      const inspector = page.getByRole("complementary", { name: "Probe exchanges" });
      await inspector.waitFor();
      includes(await inspector.innerText(), result.reason, "the reason");
      equal(await inspector.getByLabel("Raw request").count(), result.exchanges.length, "a raw request per exchange");
      includes(await inspector.getByLabel("Raw request").first().innerText(), "Authorization: ****", "the secret masked");
      const [main, panel] = [await page.locator(".probe__main").boundingBox(), await inspector.boundingBox()];
      ok(panel.x >= main.x + main.width - 1, "the exchanges are beside the results, not over them");
      ok(panel.x + panel.width <= 1440 + 1, "the panel fits the window");
      ok(!(await overflows(page.locator(".probe__main"))), "the main column still does not scroll sideways");
    },
  },
];
