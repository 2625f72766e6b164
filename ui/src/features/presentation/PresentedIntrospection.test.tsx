import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { mockWindows } from "@tauri-apps/api/mocks";
import { describe, expect, it } from "vitest";

import type { RunView } from "../../api/types";
import { agentChainRun, renderApp } from "../../test/fakeApp";
import { introspectionFacts } from "./introspectionFacts";

const CHAIN = /three-hop act chain/;

async function presentLastStep(run: RunView) {
  mockWindows("main");
  const user = userEvent.setup();
  const { backend } = renderApp();
  backend.addHistory(run);
  const tree = await screen.findByRole("tree", { name: "Collections" });
  await user.click(await within(tree).findByText("Baton demo"));
  await user.click(await within(tree).findByText(CHAIN));
  await screen.findByLabelText("Last run outcome");
  await user.keyboard("p");
  const presentation = await screen.findByTestId("presentation");
  for (let k = 0; k < run.record.steps.length; k++) await user.keyboard("{ArrowRight}");
  expect(screen.getByTestId("presentation-step").getAttribute("data-step-id")).toBe("audit");
  return presentation;
}

/** The chain run with the audit step's introspection answer replaced. */
function withAnswer(answer: RunView["record"]["steps"][number]["introspection"]): RunView {
  const run = structuredClone(agentChainRun);
  const audit = run.record.steps.find((s) => s.id === "audit")!;
  audit.introspection = answer;
  return run;
}

describe("An introspection step in presentation mode", () => {
  it("shows what introspection said: active, sub, client, aud, scope and the act chain in order", async () => {
    const presentation = await presentLastStep(agentChainRun);
    expect(within(presentation).queryByText(/No token/)).toBeNull();
    const answer = within(presentation).getByRole("region", { name: "What introspection said" });
    const facts = Object.fromEntries(
      [...answer.querySelectorAll("dt")].map((dt) => [dt.textContent, (dt.nextElementSibling as HTMLElement).textContent]),
    );
    expect(facts).toMatchObject({ active: "yes", about: "bob", client: "payment-agent", for: "payments-api", scope: "payments:charge" });
    const chain = within(answer).getByRole("list", { name: "Act chain, current actor first" });
    expect(within(chain).getAllByRole("listitem").map((li) => li.querySelector(".mono")!.textContent)).toEqual([
      "payment-agent",
      "flight-agent",
      "planner-agent",
    ]);
  });

  it("says plainly when the server answers that the token is not active", async () => {
    const presentation = await presentLastStep(withAnswer({ active: false }));
    const answer = within(presentation).getByRole("region", { name: "What introspection said" });
    expect(answer.textContent).toContain("no: the token is not valid");
    expect(within(answer).queryByText("act")).toBeNull();
  });

  it("names the error when there was no answer", async () => {
    const run = withAnswer(null);
    run.record.steps.find((s) => s.id === "audit")!.error = "introspection endpoint unreachable";
    run.record.steps.find((s) => s.id === "audit")!.response = null;
    const presentation = await presentLastStep(run);
    expect(within(presentation).getByText(/No introspection answer/).textContent).toContain("introspection endpoint unreachable");
  });
});

describe("introspectionFacts", () => {
  it("reads aud as a string or a list, scope as a string or scp, and an actor by sub or else client_id", () => {
    expect(
      introspectionFacts({ active: true, aud: ["a", "b"], scp: ["x", "y"], act: { client_id: "svc", act: { sub: "first" } } }),
    ).toEqual({ active: true, sub: null, clientId: null, aud: ["a", "b"], scope: ["x", "y"], actChain: ["svc", "first"] });
  });

  it("stops at a bounded depth of act", () => {
    let act: Record<string, unknown> = { sub: "deepest" };
    for (let i = 0; i < 100; i++) act = { sub: `a${i}`, act };
    expect(introspectionFacts({ active: true, act: act as never }).actChain).toHaveLength(16);
  });
});
