import { act, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { Step, StepRecord } from "../../api/types";
import type { LiveStatus } from "../run/useRun";
import { agentChainRun, demoCollection } from "../../test/fakeApp";
import { ExchangeAnimation, useLiveMotion } from "./ExchangeAnimation";
import { liveMotion, motionFromRecord } from "./exchangeMotion";

const steps = demoCollection.scenarios!.find((s) => s.id === "agent-chain")!.steps! as Step[];
const records: Record<string, StepRecord> = Object.fromEntries(agentChainRun.record.steps.map((s) => [s.id, s]));

function reducedMotion(reduce: boolean) {
  vi.stubGlobal("matchMedia", (query: string) => ({
    matches: reduce && query.includes("reduce"),
    media: query,
    addEventListener: () => {},
    removeEventListener: () => {},
  }));
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

function Live({ statuses, done }: { statuses: Record<string, LiveStatus>; done: Record<string, StepRecord> }) {
  return <ExchangeAnimation motion={useLiveMotion(steps, statuses, done)} />;
}

describe("ExchangeAnimation", () => {
  it("shows the running exchange's subject and actor going into the token service", () => {
    reducedMotion(false);
    // hop-1 is in flight; the steps it reads have finished.
    const done = { bob: records.bob!, planner: records.planner! };
    const motion = liveMotion(steps, { bob: "passed", planner: "passed", "hop-1": "running" }, done, null);
    render(<ExchangeAnimation motion={motion} />);
    const shown = screen.getByTestId("exchange-animation");
    expect(shown.getAttribute("data-outcome")).toBe("pending");
    expect(shown.querySelector(".exchange-motion__chip--subject")!.textContent).toBe("bob");
    expect(shown.querySelector(".exchange-motion__chip--actor")!.textContent).toBe("planner-agent");
    expect(shown.textContent).toContain("STS");
    expect(shown.querySelector(".exchange-motion__chip--issued")).toBeNull();
  });

  it("shows the issued token coming out once the exchange is done", () => {
    reducedMotion(false);
    const motion = motionFromRecord(records["hop-3"]!);
    render(<ExchangeAnimation motion={motion} />);
    const out = screen.getByTestId("exchange-animation").querySelector(".exchange-motion__chip--issued")!;
    expect(out.textContent).toBe("bob ← payment-agent");
  });

  it("shows nothing when no exchange is under way", () => {
    reducedMotion(false);
    render(<ExchangeAnimation motion={liveMotion(steps, { bob: "running" }, {}, null)} />);
    expect(screen.queryByTestId("exchange-animation")).toBeNull();
  });

  it("is absent when the system asks for reduced motion", () => {
    reducedMotion(true);
    const motion = liveMotion(steps, { "hop-1": "running" }, {}, null);
    expect(motion).not.toBeNull();
    render(<ExchangeAnimation motion={motion} />);
    expect(screen.queryByTestId("exchange-animation")).toBeNull();
  });

  it("follows a run: in flight, then issued for about a second, then gone", () => {
    reducedMotion(false);
    vi.useFakeTimers();
    const before = { bob: records.bob!, planner: records.planner! };
    const { rerender } = render(<Live statuses={{ bob: "passed", planner: "passed", "hop-1": "running" }} done={before} />);
    expect(screen.getByTestId("exchange-animation").getAttribute("data-outcome")).toBe("pending");

    const after = { ...before, "hop-1": records["hop-1"]! };
    rerender(<Live statuses={{ bob: "passed", planner: "passed", "hop-1": "passed" }} done={after} />);
    expect(screen.getByTestId("exchange-animation").getAttribute("data-outcome")).toBe("issued");
    // The next step starting (not an exchange) does not cut it short.
    rerender(<Live statuses={{ bob: "passed", planner: "passed", "hop-1": "passed", flight: "running" }} done={after} />);
    expect(screen.getByTestId("exchange-animation").getAttribute("data-outcome")).toBe("issued");

    act(() => void vi.advanceTimersByTime(2000));
    expect(screen.queryByTestId("exchange-animation")).toBeNull();
  });
});
