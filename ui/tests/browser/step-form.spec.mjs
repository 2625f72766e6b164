import { equal } from "./assert.mjs";
import { ipcCalls, openScenario } from "./helpers.mjs";

export const tests = [
  {
    name: "the step form builds the Step JSON the engine reads, and saves it with save_collection",
    async run({ page }) {
      await openScenario(page, /three-hop act chain/);
      await page.getByRole("button", { name: "Add step" }).click();
      const form = page.getByRole("form", { name: /Edit step/ });

      await form.getByLabel(/^id/).fill("to-ledger");
      await form.getByLabel(/^name/).fill("Payment agent → ledger");
      await form.getByLabel(/^notes/).fill("Two audiences in one request.");
      await form.getByLabel(/^client/).selectOption("payment-agent");
      await form.getByLabel("Reference for subject_token").selectOption("{{steps.hop-2.access_token}}");
      await form.getByLabel(/^subject_token_type/).selectOption("access_token");
      await form.getByLabel("Reference for actor_token").selectOption("{{steps.payment.access_token}}");
      await form.getByLabel(/^actor_token_type/).selectOption("access_token");
      await form.getByLabel(/^requested_token_type/).selectOption("Custom URI…");
      await form.getByLabel("requested_token_type (custom URI)").fill("urn:example:token-type:ledger");
      await form.getByRole("button", { name: "Add audience" }).click();
      await form.getByLabel("audience 1", { exact: true }).fill("payments-api");
      await form.getByRole("button", { name: "Add audience" }).click();
      await form.getByLabel("audience 2", { exact: true }).fill("ledger-api");
      await form.getByRole("button", { name: "Add resource" }).click();
      await form.getByLabel("resource 1", { exact: true }).fill("https://ledger.example.com/");
      await form.getByLabel(/^scope/).fill("payments:charge ledger:write");
      await form.getByRole("button", { name: "Add parameter" }).click();
      await form.getByLabel("Parameter 1 name", { exact: true }).fill("x-tenant");
      await form.getByLabel("Parameter 1 value", { exact: true }).fill("acme");
      await form.getByRole("button", { name: "Edit as JSON" }).click();
      await form.getByLabel(/^assert/).fill('[{"status": 200}, {"act_chain": ["payment-agent", "flight-agent", "planner-agent"]}]');
      await form.getByRole("button", { name: "Add step" }).click();

      await page.waitForFunction(() => window.__baton.backend.calls.some((c) => c.cmd === "save_collection"));
      const [save] = await ipcCalls(page, "save_collection");
      const scenario = save.args.collection.scenarios.find((s) => s.id === "agent-chain");
      equal(scenario.steps.length, 9, "steps saved");
      equal(
        scenario.steps[8],
        {
          id: "to-ledger",
          name: "Payment agent → ledger",
          notes: "Two audiences in one request.",
          exchange: {
            client: "payment-agent",
            subject_token: "{{steps.hop-2.access_token}}",
            subject_token_type: "access_token",
            actor_token: "{{steps.payment.access_token}}",
            actor_token_type: "access_token",
            requested_token_type: "urn:example:token-type:ledger",
            audience: ["payments-api", "ledger-api"],
            resource: ["https://ledger.example.com/"],
            scope: "payments:charge ledger:write",
            params: { "x-tenant": "acme" },
          },
          assert: [{ status: 200 }, { act_chain: ["payment-agent", "flight-agent", "planner-agent"] }],
        },
        "the new step",
      );
      const fixture = await page.evaluate(() => window.__baton.fixtures.demo);
      equal(save.args.collection, { ...fixture, scenarios: fixture.scenarios.map((s) => (s.id === "agent-chain" ? scenario : s)) }, "the rest of the collection");

      // The saved step is listed, and the form now edits it.
      await page.locator('[data-step="to-ledger"]').waitFor();
      await page.getByRole("form", { name: "Edit step to-ledger" }).waitFor();
    },
  },
];
