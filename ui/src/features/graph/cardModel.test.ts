import { describe, expect, it } from "vitest";

import type { TokenNode } from "../../api/types";
import { agentChainRun } from "../../test/fakeApp";
import { CARD, cardModel, packLines } from "./cardModel";

const hop3 = agentChainRun.graph.nodes.find((n) => n.step_id === "hop-3")!;
const token = (over: Partial<TokenNode>): TokenNode => ({ ...hop3, ...over });
const field = (t: TokenNode, key: string) => cardModel(t).fields.find((f) => f.key === key);
/** The words of a field as the card draws them, lines joined. */
const words = (lines: string[]) => lines.join(" ").split(/\s+/).filter(Boolean);

describe("A token card's content", () => {
  it("shows sub, aud, scope and the whole act chain of the three-hop token, the chain wrapped between actors", () => {
    const card = cardModel(hop3);
    expect(card.fields.map((f) => f.key)).toEqual(["sub", "aud", "scope", "act"]);
    expect(field(hop3, "sub")!.lines).toEqual(["bob"]);
    const act = field(hop3, "act")!;
    // Every line ends at an actor, never inside a name; read in order it is the whole chain.
    expect(words(act.lines)).toEqual(["payment-agent", "←", "flight-agent", "←", "planner-agent"]);
    for (const line of act.lines) expect(line.length).toBeLessThanOrEqual(CARD.valueChars);
    expect(card.type).toBe("access_token");
    expect(card.issuer).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it("never drops an actor: a ten-deep chain is on the card in full, and the card grows to hold it", () => {
    const chain = Array.from({ length: 10 }, (_, i) => `agent-number-${i + 1}`);
    const deep = token({ act_chain: chain });
    const act = field(deep, "act")!;
    expect(act.more).toBe(0);
    expect(words(act.lines).filter((w) => w !== "←")).toEqual(chain);
    expect(cardModel(deep).height).toBeGreaterThan(cardModel(hop3).height + 5 * CARD.lineHeight);
  });

  it("wraps a long scope list between scopes and says how many more there are instead of cutting one", () => {
    const scopes = Array.from({ length: 12 }, (_, i) => `payments:scope-${i + 1}`);
    const scope = field(token({ scope: scopes }), "scope")!;
    const shown = words(scope.lines);
    // Whole scopes only, in order, and the rest counted: nothing silently dropped.
    expect(shown).toEqual(scopes.slice(0, shown.length));
    expect(scope.more).toBe(scopes.length - shown.length);
    expect(scope.more).toBeGreaterThan(0);
    expect(scope.lines.length).toBeLessThanOrEqual(2);
  });

  it("lists audiences with commas and counts the ones that do not fit", () => {
    const auds = ["https://api.example.com/payments", "https://api.example.com/orders", "billing", "ledger", "audit", "reports"];
    const aud = field(token({ aud: auds }), "aud")!;
    expect(aud.more).toBeGreaterThan(0);
    const shownCount = auds.length - aud.more;
    expect(aud.lines.join("")).toContain(auds[0]!.slice(0, 10));
    expect(shownCount).toBeGreaterThanOrEqual(1);
  });

  it("breaks a single word longer than a line after punctuation, and marks a cut subject with …", () => {
    expect(packLines(["https://login.example.com/tenants/acme/users/alice"], " ", 25)).toEqual([
      "https://login.example.",
      "com/tenants/acme/users/",
      "alice",
    ]);
    const sub = field(token({ sub: "x".repeat(80) }), "sub")!;
    expect(sub.lines).toHaveLength(2);
    expect(sub.lines[1]!.endsWith("…")).toBe(true);
  });

  it("leaves out fields a token does not have: no act line on a token without act", () => {
    const bob = agentChainRun.graph.nodes[0]!;
    expect(cardModel(bob).fields.map((f) => f.key)).toEqual(["sub", "aud", "scope", "may_act"]);
  });
});
