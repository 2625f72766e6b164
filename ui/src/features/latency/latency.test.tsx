import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { RepeatStats } from "../../api/types";
import { bins } from "./bins";
import { LatencyHistogram } from "./LatencyHistogram";
import { LatencyTimeline } from "./LatencyTimeline";
import { FromCacheBadge, RepeatResult } from "./RepeatResult";

const stats = (over: Partial<RepeatStats> = {}): RepeatStats => ({
  times: 5,
  round_trips: 1,
  from_cache: 4,
  failures: 0,
  min_ms: 0,
  p50_ms: 0,
  p90_ms: 19,
  p99_ms: 19,
  max_ms: 19,
  total_ms: 21,
  latencies_ms: [19, 0, 0, 1, 0],
  started_ms: [0, 19, 19, 20, 21],
  ...over,
});

describe("Latency bins", () => {
  it("count every call once, from 0 ms to the slowest", () => {
    const b = bins([19, 0, 0, 1, 0]);
    expect(b.reduce((n, x) => n + x.count, 0)).toBe(5);
    expect(b[0]).toEqual({ from: 0, to: 1, count: 4 });
    expect(b[b.length - 1]?.count).toBe(1);
    expect(b[b.length - 1]?.to).toBeGreaterThanOrEqual(19);
  });

  it("of calls that all took 0 ms are one bin", () => {
    expect(bins([0, 0, 0])).toEqual([{ from: 0, to: 0, count: 3 }]);
    expect(bins([])).toEqual([]);
  });
});

describe("The latency histogram", () => {
  it("draws a bar per range, the tallest for the most calls, and names its axis", () => {
    const { container } = render(<LatencyHistogram latencies={[19, 0, 0, 1, 0]} />);
    expect(screen.getByRole("img", { name: "Latency histogram of 5 calls" })).toBeTruthy();
    const bars = container.querySelectorAll("[data-bar]");
    expect(bars).toHaveLength(10);
    const heights = Array.from(bars, (b) => Number(b.getAttribute("height")));
    expect(Math.max(...heights)).toBe(heights[0]);
    expect(bars[0]?.querySelector("title")?.textContent).toBe("0–1 ms: 4 calls");
    expect(screen.getByText("0 ms")).toBeTruthy();
    expect(screen.getByText("20 ms")).toBeTruthy();
  });

  it("draws nothing for no calls", () => {
    const { container } = render(<LatencyHistogram latencies={[]} />);
    expect(container.innerHTML).toBe("");
  });
});

describe("The timeline", () => {
  it("draws a line per call from its start, as long as it took", () => {
    const { container } = render(<LatencyTimeline started={[0, 19, 19, 20, 21]} latencies={[19, 0, 0, 1, 0]} fromCache={4} />);
    expect(screen.getByRole("img", { name: "Timeline of 5 calls over 21 ms" })).toBeTruthy();
    const calls = container.querySelectorAll("[data-call]");
    expect(calls).toHaveLength(5);
    expect(calls[1]?.querySelector("title")?.textContent).toBe("call 2: started at 19 ms, took 0 ms");
    // The first call spans 19 of 21 ms of the width; the second starts where it ends.
    expect(Number(calls[0]?.getAttribute("width"))).toBeCloseTo((19 / 21) * 240);
    expect(Number(calls[1]?.getAttribute("x"))).toBeCloseTo((19 / 21) * 240);
    expect(screen.getByText("Timeline: 5 calls, 4 from the cache")).toBeTruthy();
  });
});

describe("A repeated step's result", () => {
  it("says its calls, round trips, cache hits and percentiles, and draws both charts", () => {
    render(<RepeatResult stats={stats()} />);
    const region = screen.getByRole("region", { name: "Repeated calls" });
    const fact = (name: string) => within(region).getByText(name).nextElementSibling?.textContent;
    expect(fact("calls")).toBe("5");
    expect(fact("round trips")).toBe("1");
    expect(fact("from cache")).toBe("4");
    expect(fact("failed")).toBe("0");
    expect(fact("p90")).toBe("19 ms");
    expect(fact("total")).toBe("21 ms");
    expect(within(region).getAllByRole("img")).toHaveLength(2);
  });

  it("has a badge for a token from the cache", () => {
    render(<FromCacheBadge />);
    expect(screen.getByText("from cache").getAttribute("title")).toContain("no request was sent");
  });
});
