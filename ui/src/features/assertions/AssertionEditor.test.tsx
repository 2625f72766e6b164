import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { Collection } from "../../api/types";
import { agentChainRun, renderApp } from "../../test/fakeApp";

/** The agent-chain scenario with its recorded run (run 1), and hop-2's step form open. */
async function editHop2() {
  const user = userEvent.setup();
  const app = renderApp();
  app.backend.addHistory(agentChainRun);
  const tree = await screen.findByRole("tree", { name: "Collections" });
  await user.click(await within(tree).findByText("Baton demo"));
  await user.click(await within(tree).findByText(/three-hop act chain/));
  await user.click(await within(await screen.findByRole("region", { name: "Steps" })).findByText("Flight agent → payment agent"));
  await user.click(screen.getByRole("tab", { name: "Edit step" }));
  const form = await screen.findByRole("form", { name: /Edit step hop-2/ });
  return { user, form: within(form), ...app };
}

const savedSteps = (calls: { cmd: string; args: Record<string, unknown> | undefined }[]) => {
  const save = calls.filter((c) => c.cmd === "save_collection").at(-1)!;
  return (save.args!.collection as Collection).scenarios!.find((s) => s.id === "agent-chain")!.steps!;
};

describe("The assertion editor", () => {
  it("shows the step's assertions as rows, checked against the last run, with the implicit success check", async () => {
    const { form } = await editHop2();
    const rows = form.getAllByTestId("assertion-row");
    expect(rows).toHaveLength(2);
    expect((form.getByLabelText("Assertion 1 kind") as HTMLSelectElement).value).toBe("act_chain");
    expect((form.getByLabelText("Assertion 1 act chain") as HTMLInputElement).value).toBe("flight-agent, planner-agent");
    expect((form.getByLabelText("Assertion 2 audience") as HTMLInputElement).value).toBe("payment-agent");
    const implicit = await form.findByTestId("assertion-implicit");
    expect(implicit.textContent).toMatch(/implicit: must succeed/);
    expect(implicit.textContent).toMatch(/HTTP status is 200/);
  });

  it("offers the last run's claims: a picked path with an equals value passes, another value fails with the message", async () => {
    const { user, form, backend } = await editHop2();
    await user.click(form.getByRole("button", { name: "Add assertion" }));
    const menu = form.getByLabelText("Assertion 3 claim from the last run") as HTMLSelectElement;
    await waitFor(() => expect(menu.disabled).toBe(false));
    const offered = [...menu.querySelectorAll("option")].map((o) => o.textContent);
    expect(offered).toContain('act.act.sub = "planner-agent"');
    expect(offered).toContain('sub = "bob"');

    await user.selectOptions(menu, "act.sub");
    expect((form.getByLabelText("Assertion 3 claim path") as HTMLInputElement).value).toBe("act.sub");
    const value = form.getByLabelText("Assertion 3 value") as HTMLInputElement;
    await user.clear(value);
    await user.type(value, "flight-agent");
    const row = () => form.getAllByTestId("assertion-row")[2]!;
    await waitFor(() => expect(row().getAttribute("data-result")).toBe("pass"));
    expect(row().textContent).toContain('claim act.sub is "flight-agent"');

    await user.clear(value);
    await user.type(value, "planner-agent");
    await waitFor(() => expect(row().getAttribute("data-result")).toBe("fail"));
    expect(row().textContent).toContain('claim act.sub: expected "planner-agent", got "flight-agent"');

    const last = backend.calls.filter((c) => c.cmd === "preview_assertions").at(-1)!;
    expect(last.args).toEqual({
      runId: 1,
      stepId: "hop-2",
      assertions: [
        { act_chain: ["flight-agent", "planner-agent"] },
        { aud_contains: "payment-agent" },
        { claim: "act.sub", equals: "planner-agent" },
      ],
    });
  });

  it("adds, removes and reorders rows and saves them into the step's assert array, values typed as JSON", async () => {
    const { user, form, backend } = await editHop2();
    await user.click(form.getByRole("button", { name: "Remove assertion 1" }));
    await user.click(form.getByRole("button", { name: "Add assertion" }));
    expect(document.activeElement).toBe(form.getByLabelText("Assertion 2 kind"));
    await user.type(form.getByLabelText("Assertion 2 claim path"), "may_act");
    await user.selectOptions(form.getByLabelText("Assertion 2 operator"), "exists");
    await user.click(form.getByRole("button", { name: "Add assertion" }));
    await user.selectOptions(form.getByLabelText("Assertion 3 kind"), "act_depth");
    await user.type(form.getByLabelText("Assertion 3 act depth"), "2");
    await user.click(form.getByRole("button", { name: "Add assertion" }));
    await user.type(form.getByLabelText("Assertion 4 claim path"), "exp");
    await user.type(form.getByLabelText("Assertion 4 value"), "1767229200");
    expect(form.getByTestId("assertion-value-type").textContent).toBe("Read as a number.");
    await user.click(form.getByRole("button", { name: "Move assertion 3 up" }));

    await user.click(form.getByRole("button", { name: "Save step" }));
    await waitFor(() => expect(backend.calls.some((c) => c.cmd === "save_collection")).toBe(true));
    expect(savedSteps(backend.calls)[4]!.assert).toEqual([
      { aud_contains: "payment-agent" },
      { act_depth: 2 },
      { claim: "may_act", exists: true },
      { claim: "exp", equals: 1767229200 },
    ]);
  });

  it("says what is wrong with a row instead of saving it", async () => {
    const { user, form, backend } = await editHop2();
    await user.selectOptions(form.getByLabelText("Assertion 2 kind"), "status");
    const status = form.getByLabelText("Assertion 2 status");
    await user.clear(status);
    await user.type(status, "ok");
    expect(form.getAllByTestId("assertion-row")[1]!.textContent).toContain("the status must be a number");
    await user.click(form.getByRole("button", { name: "Save step" }));
    expect(await form.findByText(/assertion 2: the status must be a number/)).toBeTruthy();
    expect(backend.calls.some((c) => c.cmd === "save_collection")).toBe(false);
  });

  it("without a run says to run the scenario, and asks nothing", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp();
    const tree = await screen.findByRole("tree", { name: "Collections" });
    await user.click(await within(tree).findByText("Baton demo"));
    await user.click(await within(tree).findByText(/three-hop act chain/));
    await user.click(await within(await screen.findByRole("region", { name: "Steps" })).findByText("Flight agent → payment agent"));
    const form = within(await screen.findByRole("form", { name: /Edit step hop-2/ }));
    expect(form.getByTestId("assertions-status").textContent).toBe("Run the scenario to see whether these pass.");
    await new Promise((r) => setTimeout(r, 400));
    expect(backend.calls.some((c) => c.cmd === "preview_assertions")).toBe(false);
  });

  it("edits the same assertions as a raw JSON array and back", async () => {
    const { user, form } = await editHop2();
    await user.click(form.getByRole("button", { name: "Edit as JSON" }));
    const text = form.getByLabelText("assert (JSON array)") as HTMLTextAreaElement;
    expect(JSON.parse(text.value)).toEqual([{ act_chain: ["flight-agent", "planner-agent"] }, { aud_contains: "payment-agent" }]);
    await user.clear(text);
    await user.type(text, '[[{{"claim": "sub", "equals": "bob"}]');
    await user.click(form.getByRole("button", { name: "Edit as rows" }));
    expect((form.getByLabelText("Assertion 1 claim path") as HTMLInputElement).value).toBe("sub");
    expect((form.getByLabelText("Assertion 1 value") as HTMLInputElement).value).toBe("bob");
  });
});
