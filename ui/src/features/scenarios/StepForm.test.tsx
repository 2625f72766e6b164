import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { Collection } from "../../api/types";
import { renderApp } from "../../test/fakeApp";

describe("The step form", () => {
  it("writes a lab step with only the changes set", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp();
    const tree = await screen.findByRole("tree", { name: "Collections" });
    await user.click(await within(tree).findByText("Baton demo"));
    await user.click(await within(tree).findByText(/three-hop act chain/));
    await user.click(await screen.findByRole("button", { name: "Add step" }));

    const form = await screen.findByRole("form", { name: /Edit step/ });
    const f = within(form);
    await user.selectOptions(f.getByLabelText("action"), "lab");
    // A new lab step begins as an outage.
    expect((f.getByLabelText(/^down/) as HTMLSelectElement).value).toBe("true");
    await user.type(f.getByLabelText(/^latency_ms/), "800");
    await user.click(f.getByRole("button", { name: "Add checks_off" }));
    await user.type(f.getByLabelText("checks_off 1"), "may_act_carried");
    await user.click(f.getByRole("button", { name: "Add step" }));

    await waitFor(() => expect(backend.calls.some((c) => c.cmd === "save_collection")).toBe(true));
    const saved = backend.calls.find((c) => c.cmd === "save_collection")!.args!.collection as Collection;
    const step = saved.scenarios!.find((s) => s.id === "agent-chain")!.steps!.at(-1)!;
    expect(step.lab).toEqual({ down: true, latency_ms: 800, checks_off: ["may_act_carried"] });
    expect(step.exchange).toBeUndefined();
  });

  it("saves exactly the Step JSON of an exchange with an actor, two audiences, a scope and an extra parameter", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp();
    const tree = await screen.findByRole("tree", { name: "Collections" });
    await user.click(await within(tree).findByText("Baton demo"));
    await user.click(await within(tree).findByText(/three-hop act chain/));
    await user.click(await screen.findByRole("button", { name: "Add step" }));

    const form = await screen.findByRole("form", { name: /Edit step/ });
    const f = within(form);
    const id = f.getByLabelText(/^id/);
    await user.clear(id);
    await user.type(id, "to-payments");
    const name = f.getByLabelText(/^name/);
    await user.clear(name);
    await user.type(name, "Payment agent → payments API, again");
    await user.selectOptions(f.getByLabelText(/^client/), "payment-agent");
    await user.selectOptions(f.getByLabelText("Reference for subject_token"), "{{steps.hop-2.access_token}}");
    await user.selectOptions(f.getByLabelText(/^subject_token_type/), "access_token");
    await user.selectOptions(f.getByLabelText("Reference for actor_token"), "{{steps.payment.access_token}}");
    await user.selectOptions(f.getByLabelText(/^actor_token_type/), "jwt");
    await user.click(f.getByRole("button", { name: "Add audience" }));
    await user.type(f.getByLabelText("audience 1"), "payments-api");
    await user.click(f.getByRole("button", { name: "Add audience" }));
    await user.type(f.getByLabelText("audience 2"), "ledger-api");
    await user.type(f.getByLabelText(/^scope/), "payments:charge");
    await user.click(f.getByRole("button", { name: "Add parameter" }));
    await user.type(f.getByLabelText("Parameter 1 name"), "x-tenant");
    await user.type(f.getByLabelText("Parameter 1 value"), "acme");
    await user.click(f.getByRole("button", { name: "Edit as JSON" }));
    const asserts = f.getByLabelText(/^assert/);
    await user.clear(asserts);
    // userEvent reads { and [ as key descriptors; doubled, they are typed as themselves.
    await user.type(asserts, '[[{{"sub_preserved": true}, {{"act_depth": 3}]');

    await user.click(f.getByRole("button", { name: "Add step" }));

    await waitFor(() => expect(backend.calls.some((c) => c.cmd === "save_collection")).toBe(true));
    const saved = backend.calls.find((c) => c.cmd === "save_collection")!.args!.collection as Collection;
    const steps = saved.scenarios!.find((s) => s.id === "agent-chain")!.steps!;
    expect(steps).toHaveLength(9);
    expect(JSON.stringify(steps[8])).toBe(
      JSON.stringify({
        id: "to-payments",
        name: "Payment agent → payments API, again",
        exchange: {
          client: "payment-agent",
          subject_token: "{{steps.hop-2.access_token}}",
          subject_token_type: "access_token",
          actor_token: "{{steps.payment.access_token}}",
          actor_token_type: "jwt",
          audience: ["payments-api", "ledger-api"],
          scope: "payments:charge",
          params: { "x-tenant": "acme" },
        },
        assert: [{ sub_preserved: true }, { act_depth: 3 }],
      }),
    );
    // The other steps are saved as they were.
    expect(steps.slice(0, 8)).toEqual(
      (await import("../../fixtures/demo-collection.json")).scenarios.find((s) => s.id === "agent-chain")!.steps,
    );
  });

  it("keeps a step's cache and repeat when it is saved, and refuses a repeat out of bounds", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp();
    const tree = await screen.findByRole("tree", { name: "Collections" });
    await user.click(await within(tree).findByText("Baton demo"));
    await user.click(await within(tree).findByText(/100 calls to the payments API/));
    await user.click(await screen.findByText("An exchange before each of 100 calls"));
    const form = await screen.findByRole("form", { name: /Edit step every-time/ });
    const f = within(form);
    expect((f.getByLabelText(/^repeat times/) as HTMLInputElement).value).toBe("100");
    expect((f.getByLabelText(/^at once/) as HTMLInputElement).value).toBe("4");
    expect((f.getByLabelText(/^cache/) as HTMLInputElement).checked).toBe(false);

    await user.click(f.getByLabelText(/^cache/));
    const times = f.getByLabelText(/^repeat times/);
    await user.clear(times);
    await user.type(times, "20000");
    await user.click(f.getByRole("button", { name: "Save step" }));
    expect(await f.findByText("repeat times must be 1 to 10000")).toBeTruthy();
    expect(backend.calls.some((c) => c.cmd === "save_collection")).toBe(false);

    await user.clear(times);
    await user.type(times, "50");
    await user.click(f.getByRole("button", { name: "Save step" }));
    await waitFor(() => expect(backend.calls.some((c) => c.cmd === "save_collection")).toBe(true));
    const saved = backend.calls.find((c) => c.cmd === "save_collection")!.args!.collection as Collection;
    const step = saved.scenarios!.find((s) => s.id === "payments-100")!.steps!.find((s) => s.id === "every-time")!;
    expect(step.cache).toBe(true);
    expect(step.repeat).toEqual({ times: 50, concurrency: 4 });
  });

  it("offers only earlier steps' outputs as references, and registered token types with their URIs", async () => {
    const user = userEvent.setup();
    renderApp();
    const tree = await screen.findByRole("tree", { name: "Collections" });
    await user.click(await within(tree).findByText("Baton demo"));
    await user.click(await within(tree).findByText(/three-hop act chain/));
    await user.click(await screen.findByText("Flight agent → payment agent"));
    await user.click(screen.getByRole("tab", { name: "Edit step" }));

    const form = await screen.findByRole("form", { name: /Edit step hop-2/ });
    const menu = within(form).getByLabelText("Reference for subject_token");
    const refs = [...menu.querySelectorAll("option")].map((o) => o.value).filter(Boolean);
    expect(refs).toEqual([
      "{{steps.bob.access_token}}",
      "{{steps.bob.refresh_token}}",
      "{{steps.planner.access_token}}",
      "{{steps.planner.refresh_token}}",
      "{{steps.hop-1.access_token}}",
      "{{steps.hop-1.refresh_token}}",
      "{{steps.flight.access_token}}",
      "{{steps.flight.refresh_token}}",
    ]);
    const types = within(form).getByLabelText(/^requested_token_type/);
    const labels = [...types.querySelectorAll("option")].map((o) => o.textContent);
    expect(labels).toContain("saml2 — urn:ietf:params:oauth:token-type:saml2");
    expect(labels).toContain("hop-1.issued_token_type");
    expect(labels).toContain("Custom URI…");
    expect((within(form).getByLabelText("Reference for subject_token") as HTMLSelectElement).disabled).toBe(false);
    expect((within(form).getByLabelText(/^subject_token( \*)?$/) as HTMLInputElement).value).toBe("{{steps.hop-1.access_token}}");
  });
});
