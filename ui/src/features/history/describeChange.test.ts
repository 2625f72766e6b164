import { describe, expect, it } from "vitest";

import type { Change } from "../../api/types";
import { describeChange } from "./describeChange";

const at = { scenario_id: "refusals", step_id: "escalation" };

describe("describeChange", () => {
  it("says how each kind of change went from the earlier run to the later one", () => {
    const cases: Array<[Change, string]> = [
      [{ ...at, change: "status", before: "failed", after: "passed" }, "Status: failed → passed"],
      [{ ...at, change: "outcome", before: "passed", after: "failed" }, "Outcome: passed → failed"],
      [{ ...at, change: "http_status", before: 400, after: 200 }, "HTTP status: 400 → 200"],
      [{ ...at, change: "error_code", before: "invalid_scope", after: null }, "OAuth error: invalid_scope → none"],
      [{ ...at, change: "claim", path: "act.sub", before: "flight-agent", after: "payment-agent" }, "Claim act.sub: “flight-agent” → “payment-agent”"],
      [{ ...at, change: "claim", path: "scope", before: null, after: "a b" }, "Claim scope added: “a b”"],
      [{ ...at, change: "claim", path: "may_act", before: { sub: "x" }, after: null }, 'Claim may_act removed (was {"sub":"x"})'],
      [{ ...at, change: "assertion", assertion: "status = 200", before: false, after: true }, "Assertion status = 200: failed → passed"],
      [{ ...at, change: "assertion", assertion: "act_depth = 2", before: null, after: false }, "Assertion act_depth = 2 added: failed"],
      [
        { ...at, change: "finding_added", id: "response.cache-control", severity: "warning", message: "no Cache-Control: no-store" },
        "New finding (warning): no Cache-Control: no-store",
      ],
      [{ ...at, change: "finding_removed", id: "jwt.typ", severity: "info", message: "typ is not at+jwt" }, "Finding gone (info): typ is not at+jwt"],
      [{ ...at, change: "lifetime", before: 3600, after: 300 }, "Lifetime: 3600 s → 300 s"],
      [{ ...at, change: "token", before: "jwt", after: null }, "Token: JWT → none"],
      [{ ...at, change: "step", only: "after" }, "This step ran only in the later run"],
      [{ ...at, step_id: null, change: "scenario", only: "before" }, "The scenario ran only in the earlier run"],
    ];
    for (const [change, text] of cases) expect(describeChange(change)).toBe(text);
  });
});
