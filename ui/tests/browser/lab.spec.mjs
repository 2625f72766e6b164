import { equal, includes, ok } from "./assert.mjs";
import { ipcCalls, openScenario } from "./helpers.mjs";

export const tests = [
  {
    name: "the lab panel marks a policy mistake at its line and keeps the text; a good edit applies with Ctrl+S",
    async run({ page }) {
      await page.getByRole("button", { name: "Lab…" }).click();
      const editor = page.getByTestId("lab-policy-editor");
      const original = await editor.inputValue();
      const broken = original.replace("max_chain_depth = 4", 'max_chain_depth = "x"');
      await editor.fill(broken);
      await page.getByTestId("lab-apply").click();
      const problem = page.getByTestId("lab-policy-error");
      equal(await problem.getAttribute("data-line"), "4", "the line of the mistake");
      includes(await problem.textContent(), "keeps its old policy", "the error");
      equal(await editor.inputValue(), broken, "the editor's text");
      equal(await page.locator(".policy-editor__line--error").textContent(), "4", "the marked line number");

      const refusing = original.replace(/(client_id = "order-service"[\s\S]*?may_delegate = )true/, "$1false");
      await editor.fill(refusing);
      await editor.press("Control+s");
      await page.getByText("Restarted with the new policy").waitFor();
      const calls = await ipcCalls(page, "apply_lab_policy");
      equal(calls.at(-1).args.policy, refusing, "the policy applied");
      const orderService = page.getByRole("table", { name: "Lab clients" }).locator('tr[data-client="order-service"]');
      equal(await orderService.getByText("may delegate").count(), 0, "order-service's badges after the edit");
      const refused = page.locator('[data-testid="lab-request-row"][data-outcome="refused"]');
      ok((await refused.count()) > 0, "a refused request is listed");
      includes(await refused.first().textContent(), "unauthorized_client", "the refused request");
    },
  },
  {
    name: "assertion rows are checked against the last run as they are edited",
    config: { history: ["agent-chain"] },
    async run({ page }) {
      await openScenario(page, /three-hop act chain/);
      await page.getByRole("region", { name: "Steps" }).getByText("Flight agent → payment agent").click();
      await page.getByRole("tab", { name: "Edit step" }).click();
      const form = page.getByRole("form", { name: /Edit step hop-2/ });
      await form.getByRole("button", { name: "Add assertion" }).click();
      await form.getByLabel("Assertion 3 claim from the last run").selectOption("sub");
      await form.getByLabel("Assertion 3 value").fill("bob");
      const row = form.getByTestId("assertion-row").nth(2);
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="assertion-row"]')[2]?.getAttribute("data-result") === "pass");
      await form.getByLabel("Assertion 3 value").fill("alice");
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="assertion-row"]')[2]?.getAttribute("data-result") === "fail");
      includes(await row.textContent(), 'claim sub: expected "alice", got "bob"', "the failing row");
      includes(await form.getByTestId("assertion-implicit").textContent(), "implicit: must succeed", "the implicit check");
    },
  },
];
