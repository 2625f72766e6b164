import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { renderApp } from "../../test/fakeApp";

async function openLab() {
  const user = userEvent.setup();
  const app = renderApp();
  await user.click(await screen.findByRole("button", { name: "Lab…" }));
  const editor = (await screen.findByTestId("lab-policy-editor")) as HTMLTextAreaElement;
  return { user, editor, ...app };
}

const orderService = () => within(screen.getByRole("table", { name: "Lab clients" })).getByText("order-service").closest("tr")!;

describe("The lab panel", () => {
  it("shows the running policy in the editor, the lab's address, and its clients and users", async () => {
    const { editor } = await openLab();
    expect(editor.value).toContain('client_id = "order-service"');
    expect(screen.getByLabelText("Lab policy (TOML)")).toBe(editor);
    expect(screen.getByText("built-in")).toBeTruthy();
    expect(screen.getAllByText("http://127.0.0.1:8693").length).toBeGreaterThan(0);
    expect(within(orderService()).getByText("may delegate")).toBeTruthy();
    expect(within(orderService()).getByText("payments-api")).toBeTruthy();
    const gateway = within(screen.getByRole("table", { name: "Lab clients" })).getByText("api-gateway").closest("tr")!;
    expect(within(gateway).getByText("may impersonate")).toBeTruthy();
    expect(within(gateway).queryByText("may delegate")).toBeNull();
    const bob = within(screen.getByRole("table", { name: "Lab users" })).getByText("bob").closest("tr")!;
    expect(within(bob).getByText("planner-agent")).toBeTruthy();
  });

  it("marks the line of a mistake, keeps the text as typed, and says the lab keeps its old policy", async () => {
    const { user, editor, backend } = await openLab();
    const original = editor.value;
    const edited = original.replace("max_chain_depth = 4", 'max_chain_depth = "x"');
    expect(edited.split("\n")[3]).toBe('max_chain_depth = "x"');
    fireEvent.change(editor, { target: { value: edited } });
    expect(screen.getByLabelText("edited, not applied")).toBeTruthy();
    await user.click(screen.getByTestId("lab-apply"));

    const problem = await screen.findByTestId("lab-policy-error");
    expect(problem.getAttribute("data-line")).toBe("4");
    expect(problem.textContent).toMatch(/line 4/);
    expect(problem.textContent).toMatch(/keeps its old policy/);
    expect(editor.value).toBe(edited);
    expect(editor.getAttribute("aria-invalid")).toBe("true");
    expect(document.querySelector(".policy-editor__line--error")?.textContent).toBe("4");
    expect(screen.queryByText("Restarted with the new policy")).toBeNull();
    expect(backend.calls.filter((c) => c.cmd === "apply_lab_policy").map((c) => c.args)).toEqual([{ policy: edited }]);

    // Revert brings the running policy back and clears the mark.
    await user.click(screen.getByRole("button", { name: "Revert" }));
    expect(editor.value).toBe(original);
    expect(screen.queryByTestId("lab-policy-error")).toBeNull();
  });

  it("applies a good edit with Ctrl+S: the lab restarts with it, the view and the workspace are read again", async () => {
    const { user, editor, backend } = await openLab();
    const edited = editor.value.replace(/(client_id = "order-service"[\s\S]*?may_delegate = )true/, "$1false");
    expect(edited).not.toBe(editor.value);
    fireEvent.change(editor, { target: { value: edited } });
    const workspaceReads = backend.calls.filter((c) => c.cmd === "workspace").length;
    editor.focus();
    await user.keyboard("{Control>}s{/Control}");

    expect(await screen.findByText("Restarted with the new policy")).toBeTruthy();
    expect(backend.calls.filter((c) => c.cmd === "apply_lab_policy").map((c) => c.args)).toEqual([{ policy: edited }]);
    await waitFor(() => expect(within(orderService()).queryByText("may delegate")).toBeNull());
    expect(screen.getByText("edited")).toBeTruthy();
    expect(editor.value).toBe(edited);
    expect(screen.queryByLabelText("edited, not applied")).toBeNull();
    await waitFor(() => expect(backend.calls.filter((c) => c.cmd === "workspace").length).toBeGreaterThan(workspaceReads));

    // Reset to built-in asks first, then brings the delegation back.
    await user.click(screen.getByRole("button", { name: "Reset to built-in" }));
    expect(backend.calls.filter((c) => c.cmd === "reset_lab_policy")).toHaveLength(0);
    await user.click(within(screen.getByRole("group", { name: "Reset to the built-in policy?" })).getByRole("button", { name: "Reset and restart" }));
    expect(await screen.findByText("Restarted with the built-in policy")).toBeTruthy();
    await waitFor(() => expect(within(orderService()).getByText("may delegate")).toBeTruthy());
    expect(backend.calls.filter((c) => c.cmd === "reset_lab_policy")).toHaveLength(1);
  });

  it("says which security checks a policy switches off, as vulnerabilities, until they are on again", async () => {
    const { user, editor } = await openLab();
    expect(screen.queryByRole("status", { name: "Checks switched off" })).toBeNull();
    fireEvent.change(editor, { target: { value: `${editor.value}\n[checks]\nactor_bound_to_client = false\nrevocation = false\n` } });
    await user.click(screen.getByTestId("lab-apply"));

    const warning = await screen.findByRole("status", { name: "Checks switched off" });
    const items = within(warning).getAllByTestId("lab-vulnerable");
    expect(items.map((i) => i.textContent)).toEqual([
      "vulnerable: actor_bound_to_client — a client can present another client's token as its actor_token and act as that client",
      "vulnerable: revocation — /revoke answers 200 but forgets nothing: revoked tokens stay valid",
    ]);
    expect(items[0]!.getAttribute("title")).toBe("When on: an actor_token must have been issued to the client presenting it");
    expect(warning.textContent).toContain("2 security checks");

    await user.click(screen.getByRole("button", { name: "Reset to built-in" }));
    await user.click(within(screen.getByRole("group", { name: "Reset to the built-in policy?" })).getByRole("button", { name: "Reset and restart" }));
    await waitFor(() => expect(screen.queryByRole("status", { name: "Checks switched off" })).toBeNull());
  });

  it("keeps an edit not applied yet while the panel is closed", async () => {
    const { user, editor } = await openLab();
    const edited = editor.value.replace("max_chain_depth = 4", "max_chain_depth = 2");
    fireEvent.change(editor, { target: { value: edited } });
    await user.click(screen.getByRole("button", { name: "Servers…" }));
    await user.click(screen.getByRole("button", { name: "Lab…" }));
    const again = (await screen.findByTestId("lab-policy-editor")) as HTMLTextAreaElement;
    await waitFor(() => expect(again.value).toBe(edited));
    expect(screen.getByLabelText("edited, not applied")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Revert" }));
    expect(again.value).not.toBe(edited);
  });

  it("lists recent requests newest first, a refusal highlighted with its error and description", async () => {
    await openLab();
    const rows = await screen.findAllByTestId("lab-request-row");
    expect(rows.map((r) => r.getAttribute("data-outcome"))).toEqual(["refused", "issued", "issued", "issued", "served"]);
    const refused = rows[0]!;
    expect(refused.className).toContain("lab-request--refused");
    expect(within(refused).getByText("unauthorized_client")).toBeTruthy();
    expect(refused.textContent).toContain('client "order-service" may not delegate');
    expect(refused.textContent).toContain("token-exchange");
    expect(refused.textContent).toContain("400");
    expect(screen.getByText(/1 refused/)).toBeTruthy();
  });

  it("polls the request log every 2 s while shown, and stops when the panel closes", async () => {
    const { user, backend } = await openLab();
    const polls = () => backend.calls.filter((c) => c.cmd === "lab_requests").length;
    await waitFor(() => expect(polls()).toBeGreaterThanOrEqual(2), { timeout: 3000 });
    await user.click(screen.getByRole("button", { name: "Servers…" }));
    const after = polls();
    await new Promise((r) => setTimeout(r, 2300));
    expect(polls()).toBe(after);
  }, 10000);
});
