import type { Graph } from "../../api/types";

/** Bob's three-hop chain (as the engine draws scenario 6), whose last hop the server refused. */
export function refusedChainGraph(): Graph {
  const hop = (step: string, n: number, aud: string, scope: string) => ({
    step_id: step,
    step_name: `Hop ${n}`,
    kind: "delegation" as const,
    audience: [aud],
    scope: scope.split(" "),
    subject_token_id: `s/t${n - 1}`,
    actor_token_id: `s/a${n}`,
    issued_token_id: `s/t${n}`,
    refusal_id: null,
  });
  return {
    nodes: [],
    edges: [],
    refusals: [
      { id: "s/refused:hop-3", scenario_id: "s", step_id: "hop-3", step_name: "Hop 3", error: "invalid_target", description: "payments-api is not allowed", status: 400 },
    ],
    chains: [
      {
        id: "s/refused:hop-3",
        scenario_id: "s",
        principals: [
          { name: "bob", kind: "user", token_id: "s/t0" },
          { name: "planner-agent", kind: "actor", token_id: "s/t1" },
          { name: "flight-agent", kind: "actor", token_id: "s/t2" },
          { name: "payment-agent", kind: "actor", token_id: "s/a3" },
        ],
        hops: [
          hop("hop-1", 1, "flight-agent", "flights:book payments:charge"),
          hop("hop-2", 2, "payment-agent", "payments:charge"),
          { ...hop("hop-3", 3, "payments-api", "payments:charge"), kind: "refused", issued_token_id: null, refusal_id: "s/refused:hop-3" },
        ],
      },
    ],
  };
}
