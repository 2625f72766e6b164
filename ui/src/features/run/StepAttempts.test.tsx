import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { StepRecord } from "../../api/types";
import { StepFailure } from "./StepFailure";

const base: StepRecord = {
  id: "retrying",
  name: "A retrying exchange",
  kind: "exchange",
  status: "passed",
  error: null,
  request: null,
  response: null,
  sent_at: null,
  elapsed_ms: 130,
  inputs: [],
  token: null,
  introspection: null,
  findings: [],
  assertions: [],
  from_cache: false,
  repeat: null,
};

describe("A step's attempts and lab changes", () => {
  it("lists each try of a retried step with its status, error and wait", () => {
    render(
      <StepFailure
        record={{
          ...base,
          attempts: [
            { status: 503, error: "temporarily_unavailable", elapsed_ms: 4, waited_ms: 0 },
            { status: 200, error: null, elapsed_ms: 9, waited_ms: 100 },
          ],
        }}
      />,
    );
    expect(screen.getAllByTestId("step-attempt").map((li) => li.textContent)).toEqual([
      "HTTP 503 (temporarily_unavailable) in 4 ms",
      "after waiting 100 ms: HTTP 200 in 9 ms",
    ]);
  });

  it("says what a lab step changed and that an expected outage got no answer", () => {
    render(<StepFailure record={{ ...base, kind: "lab", lab_changes: ["down: connections are refused"] }} />);
    expect(screen.getByRole("list", { name: "What the step changed in the lab" }).textContent).toBe("lab: down: connections are refused");
    render(<StepFailure record={{ ...base, unreachable: true, error: "could not connect to http://127.0.0.1:1/token: connection refused" }} />);
    expect(screen.getByText(/No answer, as the step expected: could not connect/)).toBeTruthy();
  });

  it("shows nothing for a plain passed step", () => {
    const { container } = render(<StepFailure record={base} />);
    expect(container.textContent).toBe("");
  });
});
