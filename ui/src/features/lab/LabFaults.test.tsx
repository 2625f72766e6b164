import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { renderApp } from "../../test/fakeApp";

async function openLab() {
  const user = userEvent.setup();
  const app = renderApp();
  await user.click(await screen.findByRole("button", { name: "Lab…" }));
  const faults = await screen.findByRole("region", { name: "Lab token service" });
  return { user, faults, ...app };
}

describe("The lab panel's faults", () => {
  it("sets faults, shows each in force, and clears them in one click", async () => {
    const { user, backend } = await openLab();
    expect(screen.getByText("No fault: the lab answers normally.")).toBeTruthy();

    await user.click(screen.getByLabelText(/down/));
    await user.type(screen.getByLabelText("503 with Retry-After (s)"), "5");
    await user.type(screen.getByLabelText("clock skew (s, negative: behind)"), "-30");
    await user.click(screen.getByRole("button", { name: "Apply faults" }));

    const inForce = await screen.findByRole("status", { name: "Faults in force" });
    expect(within(inForce).getAllByTestId("lab-fault").map((li) => li.textContent)).toEqual([
      "down: connections are refused",
      "unavailable: every request gets 503 with Retry-After: 5",
      "clock skew: the lab's clock runs 30 s behind",
    ]);
    expect(backend.calls.filter((c) => c.cmd === "set_lab_faults").map((c) => c.args)).toEqual([
      { faults: { down: true, latency_ms: 0, unavailable_retry_after: 5, failure_rate: 0, clock_skew_secs: -30 } },
    ]);

    await user.click(within(inForce).getByRole("button", { name: "Clear faults" }));
    await waitFor(() => expect(screen.queryByRole("status", { name: "Faults in force" })).toBeNull());
    expect(screen.getByText("No fault: the lab answers normally.")).toBeTruthy();
    expect(backend.calls.filter((c) => c.cmd === "set_lab_faults").at(-1)?.args).toEqual({
      faults: { down: false, latency_ms: 0, unavailable_retry_after: null, failure_rate: 0, clock_skew_secs: 0 },
    });
    expect((screen.getByLabelText(/down/) as HTMLInputElement).checked).toBe(false);
  });

  it("says what is wrong with a fault and sends nothing the lab would refuse", async () => {
    const { user, backend } = await openLab();
    await user.type(screen.getByLabelText("latency (ms)"), "fast");
    await user.click(screen.getByRole("button", { name: "Apply faults" }));
    expect((await screen.findByTestId("lab-faults-error")).textContent).toBe("latency (ms) must be a whole number of 0 or more");
    expect(backend.calls.some((c) => c.cmd === "set_lab_faults")).toBe(false);

    await user.clear(screen.getByLabelText("latency (ms)"));
    await user.type(screen.getByLabelText("failure rate (0 to 1)"), "1.5");
    await user.click(screen.getByRole("button", { name: "Apply faults" }));
    await waitFor(() =>
      expect(screen.getByTestId("lab-faults-error").textContent).toBe("invalid lab faults: failure_rate must be between 0 and 1, not 1.5"),
    );
    expect(screen.getByText("No fault: the lab answers normally.")).toBeTruthy();
  });
});
