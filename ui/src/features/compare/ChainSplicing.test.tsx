import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import type { RunView, Scenario, StepKind, StepRecord, TokenNode } from "../../api/types";
import { Inspector } from "../inspector/Inspector";
import { TokenCompareDialog } from "./TokenCompareDialog";

// The `chain-splicing` scenario of examples/trade-offs.baton.toml, as the collection has it (the
// words only) and as a run of it against the lab comes out, built by hand.
const DESCRIPTION =
  "Alice's app lets agent-a act for it. If the first exchange drops may_act, agent-n splices itself into Alice's chain.";
const HARDENED_NOTES = "The subject token's may_act names agent-a only, so the lab refuses: the splice fails.";
const VULNERABLE_NOTES = "A token about Alice's app with agent-n as the current actor, agent-a before it: a chain Alice never allowed.";
const REFUSED = "may_act of the subject token names agent-a, not the actor agent-n";

const scenario: Scenario = {
  id: "chain-splicing",
  name: "Chain splicing: an attacker agent joins Alice's chain",
  description: DESCRIPTION,
  steps: [
    { id: "alice", name: "Alice's app gets a token that only agent-a may act on" },
    { id: "agent-n-own", name: "agent-n, the attacker, gets its own token" },
    { id: "hop-hardened", name: "Hardened lab: agent-a acts for Alice" },
    { id: "splice-hardened", name: "Hardened lab: agent-n tries to join the chain, and is refused", notes: HARDENED_NOTES },
    { id: "make-vulnerable", name: "The lab forgets to carry may_act" },
    { id: "hop-vulnerable", name: "Vulnerable lab: agent-a acts for Alice, and may_act is lost" },
    { id: "splice-vulnerable", name: "Vulnerable lab: agent-n joins Alice's chain", notes: VULNERABLE_NOTES },
  ],
};
const nameOf = (id: string) => scenario.steps!.find((s) => s.id === id)!.name;

function token(id: string, sub: string, act: string[]): { node: TokenNode; step: StepRecord } {
  const fingerprint = `fp-${id}`;
  const claims = { sub, aud: "documents-api", iat: 1000, exp: 4600, client_id: act[0] ?? sub, iss: "http://127.0.0.1:4000" };
  const node: TokenNode = {
    id: `chain-splicing/${fingerprint}`,
    scenario_id: "chain-splicing",
    step_id: id,
    step_name: nameOf(id),
    issued: true,
    sub,
    aud: ["documents-api"],
    scope: [],
    token_type: "access_token",
    issuer: "http://127.0.0.1:4000",
    client_id: act[0] ?? sub,
    act_chain: act,
    may_act: null,
    exp: 4600,
    opaque: false,
    verified: true,
  };
  const step = record(id, act.length > 0 ? "exchange" : "token", {
    token: {
      fingerprint,
      token: `token-of-${id}`,
      token_type: null,
      decoded: { kind: "jwt", header: {}, claims, signature_present: true, act_chain: { actors: [], problem: null }, may_act: null },
      verification: null,
    },
  });
  return { node, step };
}

function record(id: string, kind: StepKind, rest: Partial<StepRecord> = {}): StepRecord {
  return {
    id,
    name: nameOf(id),
    kind,
    status: "passed",
    error: null,
    request: null,
    response: null,
    sent_at: null,
    elapsed_ms: 1,
    inputs: [],
    token: null,
    introspection: null,
    findings: [],
    assertions: [],
    from_cache: false,
    repeat: null,
    ...rest,
  };
}

function splicingRun(): RunView {
  const alice = token("alice", "alice-app", []);
  const own = token("agent-n-own", "agent-n", []);
  const hopHardened = token("hop-hardened", "alice-app", ["agent-a"]);
  const hopVulnerable = token("hop-vulnerable", "alice-app", ["agent-a"]);
  const spliced = token("splice-vulnerable", "alice-app", ["agent-n", "agent-a"]);
  const refusedStep = record("splice-hardened", "exchange", {
    status: "passed",
    response: {
      status: 400,
      headers: [],
      body: "",
      outcome: { kind: "error", error: "invalid_request", error_description: REFUSED, error_uri: null, members: {} },
    },
  });
  const refusal = {
    id: "chain-splicing/refused:splice-hardened",
    scenario_id: "chain-splicing",
    step_id: "splice-hardened",
    step_name: nameOf("splice-hardened"),
    error: "invalid_request",
    description: REFUSED,
    status: 400,
  };
  const tokens = [alice, own, hopHardened, hopVulnerable, spliced];
  return {
    run_id: 7,
    record: {
      record_version: 1,
      collection: "Trade-offs",
      scenario_id: "chain-splicing",
      scenario_name: scenario.name,
      environment: null,
      started_at: 1000,
      elapsed_ms: 20,
      outcome: "passed",
      steps: [alice.step, own.step, hopHardened.step, refusedStep, record("make-vulnerable", "lab"), hopVulnerable.step, spliced.step],
    },
    graph: {
      nodes: tokens.map((t) => t.node),
      edges: [
        { id: "e1", from: hopHardened.node.id, to: refusal.id, role: "subject", kind: "delegation", step_id: "splice-hardened" },
        { id: "e2", from: hopVulnerable.node.id, to: spliced.node.id, role: "subject", kind: "delegation", step_id: "splice-vulnerable" },
      ],
      refusals: [refusal],
      chains: [],
    },
    steps: [],
  };
}

const sideSelect = (dialog: HTMLElement) => within(dialog).getByLabelText<HTMLSelectElement>("Step or token");

describe("Chain splicing in Compare", () => {
  it("offers Compare… on a refused step in the inspector, as well as on a token", async () => {
    const user = userEvent.setup();
    const view = splicingRun();
    const onCompare = vi.fn();
    const { rerender } = render(
      <Inspector view={view} selection={{ kind: "step", id: "splice-hardened" }} onClose={() => {}} onCompare={onCompare} />,
    );
    const inspector = screen.getByRole("complementary", { name: "Inspector" });
    expect(inspector.textContent).toContain("This step has no token to show.");
    await user.click(within(inspector).getByRole("button", { name: "Compare…" }));
    expect(onCompare).toHaveBeenLastCalledWith({ kind: "step", id: "splice-hardened" });

    rerender(<Inspector view={view} selection={{ kind: "step", id: "splice-vulnerable" }} onClose={() => {}} onCompare={onCompare} />);
    await user.click(within(screen.getByRole("complementary", { name: "Inspector" })).getByRole("button", { name: "Compare…" }));
    expect(onCompare).toHaveBeenLastCalledWith({ kind: "node", id: "chain-splicing/fp-splice-vulnerable" });
  });

  it("lines the refused splice up with the spliced token, explained in words", () => {
    render(
      <TokenCompareDialog view={splicingRun()} start={{ kind: "step", id: "splice-hardened" }} scenario={scenario} runs={[]} onClose={() => {}} />,
    );
    const dialog = screen.getByRole("dialog", { name: "Compare tokens" });
    // The sibling step (same id before the last '-') is the other side at first.
    expect(sideSelect(dialog).selectedOptions[0]!.textContent).toMatch(/^Vulnerable lab: agent-n joins Alice's chain: alice-app/);

    const mine = within(dialog).getByRole("region", { name: "This side" });
    expect(mine.textContent).toContain(nameOf("splice-hardened"));
    expect(mine.textContent).toContain(HARDENED_NOTES);
    const refusal = within(mine).getByRole("group", { name: "Refusal" });
    expect(refusal.textContent).toContain("invalid_request");
    expect(refusal.textContent).toContain(REFUSED);
    expect(refusal.textContent).toContain("400");

    const other = within(dialog).getByRole("region", { name: "The other side" });
    expect(other.textContent).toContain(nameOf("splice-vulnerable"));
    expect(other.textContent).toContain(VULNERABLE_NOTES);
    expect(within(other).queryByRole("group", { name: "Refusal" })).toBeNull();

    expect(within(dialog).getByRole("region", { name: "What the scenario shows" }).textContent).toContain(DESCRIPTION);
    expect(within(dialog).getByTestId("token-compare-summary").textContent).toBe(
      `Only one side got a token: ${nameOf("splice-hardened")} was refused with invalid_request.`,
    );
    // The spliced token's facts beside the refusal: agent-n now acts, agent-a before it.
    const act = dialog.querySelector('tr[data-fact="act"]')!;
    expect([...act.querySelectorAll("td")].map((td) => td.textContent)).toEqual(["no token", "agent-n ← agent-a", ""]);
  });

  it("from the spliced token, picks the refused splice and lists every step, refused or not", async () => {
    const user = userEvent.setup();
    render(
      <TokenCompareDialog
        view={splicingRun()}
        start={{ kind: "node", id: "chain-splicing/fp-splice-vulnerable" }}
        scenario={scenario}
        runs={[]}
        onClose={() => {}}
      />,
    );
    const dialog = screen.getByRole("dialog", { name: "Compare tokens" });
    const select = sideSelect(dialog);
    expect(select.selectedOptions[0]!.textContent).toBe(`${nameOf("splice-hardened")}: refused (invalid_request)`);
    expect([...select.options].map((o) => o.textContent)).toContain(`${nameOf("make-vulnerable")}: no token (passed)`);
    expect(within(within(dialog).getByRole("region", { name: "The other side" })).getByRole("group", { name: "Refusal" }).textContent).toContain(
      "invalid_request",
    );

    // Two tokens: the facts that differ are marked, and both steps' words stay.
    await user.selectOptions(select, "token:chain-splicing/fp-hop-vulnerable");
    expect(within(dialog).getByTestId("token-compare-summary").textContent).toMatch(/They differ in act, client_id\./);
    expect(within(dialog).getByRole("region", { name: "This side" }).textContent).toContain(VULNERABLE_NOTES);
    expect(within(dialog).getByRole("region", { name: "What the scenario shows" })).toBeTruthy();
  });

  it("shows no scenario description without the scenario's words", () => {
    render(<TokenCompareDialog view={splicingRun()} start={{ kind: "step", id: "splice-hardened" }} runs={[]} onClose={() => {}} />);
    const dialog = screen.getByRole("dialog", { name: "Compare tokens" });
    expect(within(dialog).queryByRole("region", { name: "What the scenario shows" })).toBeNull();
    expect(within(dialog).getByRole("region", { name: "This side" }).textContent).not.toContain(HARDENED_NOTES);
  });
});
