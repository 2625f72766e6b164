import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { ProbeTarget } from "../../api/types";
import { demoCollection, probeHonestRun, probeVulnerableRun, renderApp } from "../../test/fakeApp";

type User = ReturnType<typeof userEvent.setup>;

/** The demo's `[probe]`: the roles, against the lab. */
const PROBE = demoCollection.probe!;

const vulnerable = probeVulnerableRun.report;
const failures = vulnerable.results.filter((r) => r.outcome === "fail");
// A whole probe run replays every probe's events through the app; under a loaded machine that
// takes seconds.
const LONG = { timeout: 20_000 };

async function openProbe(user: User) {
  const tree = await screen.findByRole("tree", { name: "Collections" });
  await user.click(await within(tree).findByText("Baton demo"));
  await user.click(screen.getByRole("button", { name: "Probe…" }));
  await screen.findByRole("heading", { level: 1, name: "Probe “lab”" });
}

async function runAll(user: User) {
  await user.click(screen.getByRole("button", { name: "Run probes" }));
  await screen.findByRole("region", { name: "Report card" }, LONG);
}

const rows = () => screen.queryAllByTestId("probe-result");
const progress = () => screen.getByTestId("probe-progress");

describe("The Probe view", { timeout: 40_000 }, () => {
  it("opens a server from the Servers panel with the roles of the collection's [probe] and runs them", async () => {
    expect(failures.length).toBeGreaterThan(0);
    const user = userEvent.setup();
    const { backend } = renderApp();
    const tree = await screen.findByRole("tree", { name: "Collections" });
    await user.click(await within(tree).findByText("Baton demo"));
    await user.click(screen.getByRole("button", { name: "Servers…" }));
    await user.click(await screen.findByRole("button", { name: "Probe lab" }));
    await screen.findByRole("heading", { level: 1, name: "Probe “lab”" });

    const roles = screen.getByRole("group", { name: "Roles" });
    expect((within(roles).getByLabelText("Exchanger") as HTMLSelectElement).value).toBe("agent-a");
    expect((within(roles).getByLabelText("Attacker") as HTMLSelectElement).value).toBe("agent-n");
    expect((within(roles).getByLabelText("Audience") as HTMLInputElement).value).toBe("documents-api");
    const subject = within(roles).getByRole("group", { name: "Subject token" });
    expect((within(subject).getByLabelText("Client") as HTMLSelectElement).value).toBe("alice-app");
    expect((within(subject).getByLabelText("Subject scope") as HTMLInputElement).value).toBe("profile documents:read");
    // Only the server's clients can play a role.
    expect(within(within(roles).getByLabelText("Exchanger")).getAllByRole("option").map((o) => o.textContent)).toContain("payment-agent");

    await runAll(user);
    expect(backend.calls.filter((c) => c.cmd === "run_probes")).toEqual([
      { cmd: "run_probes", args: { collection: "Baton demo", environment: "lab", target: PROBE, only: [] } },
    ]);
    expect(progress().getAttribute("aria-valuenow")).toBe(String(vulnerable.results.length));
  });

  it("shows the probe running as '1 of N: id', and on Cancel keeps what finished", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp({ holdProbeRuns: true });
    await openProbe(user);
    await user.click(screen.getByRole("button", { name: "Run probes" }));

    const first = vulnerable.results[0]!;
    await waitFor(() => expect(progress().parentElement!.textContent).toContain(`1 of ${vulnerable.results.length}: ${first.id}`), LONG);
    expect(progress().parentElement!.textContent).toContain(first.title);
    expect(progress().getAttribute("aria-valuenow")).toBe("1");
    expect(screen.getByRole("button", { name: "Running…" })).toHaveProperty("disabled", true);

    await user.click(screen.getByRole("button", { name: "Cancel" }));
    const card = await screen.findByRole("region", { name: "Report card" }, LONG);
    expect(card.textContent).toContain("cancelled before every probe ran");
    expect(rows()).toHaveLength(1);
    expect(rows()[0]!.getAttribute("data-probe")).toBe(first.id);
    expect(backend.calls.some((c) => c.cmd === "cancel_probe_run")).toBe(true);
    expect(screen.getByRole("button", { name: "Run probes" })).toHaveProperty("disabled", false);
  });

  it("grades the run, scores each group, and lists failures first with their RFC section, reason and fix", async () => {
    const user = userEvent.setup();
    renderApp();
    await openProbe(user);
    await runAll(user);

    expect(screen.getByTestId("probe-grade").textContent).toBe(vulnerable.grade);
    const scores = screen.getAllByTestId("group-score");
    expect(scores.map((s) => s.getAttribute("data-group"))).toEqual(vulnerable.groups.map((g) => g.group));
    const chain = scores.find((s) => s.getAttribute("data-group") === "chain")!;
    const chainScore = vulnerable.groups.find((g) => g.group === "chain")!;
    expect(chain.textContent).toContain(`${chainScore.failed} failed`);
    expect(chain.textContent).toContain(`${chainScore.score}%`);
    expect(screen.getByTestId("probe-overall").textContent).toContain(`${vulnerable.overall.passed} passed`);

    expect(rows()).toHaveLength(vulnerable.results.length);
    const outcomes = rows().map((r) => r.getAttribute("data-outcome"));
    expect(outcomes.slice(0, failures.length)).toEqual(failures.map(() => "fail"));
    const failed = rows()[0]!;
    const result = failures.find((f) => f.id === failed.getAttribute("data-probe"))!;
    expect(failed.textContent).toContain(result.rfc);
    expect(failed.textContent).toContain(result.reason);
    expect(failed.textContent).toContain(`Fix: ${result.fix}`);
    // A passed probe keeps to one line: no reason, no fix.
    const passed = rows().find((r) => r.getAttribute("data-outcome") === "pass")!;
    expect(passed.textContent).not.toContain("Fix:");
    // The setup folds away once there is a report.
    await waitFor(() => expect(screen.getByText("Roles and probe groups").closest("details")!.open).toBe(false));
  });

  it("filters the results by outcome, by text and by severity", async () => {
    const user = userEvent.setup();
    renderApp();
    await openProbe(user);
    await runAll(user);
    const count = (o: string) => vulnerable.results.filter((r) => r.outcome === o).length;

    await user.click(screen.getByRole("button", { name: `Passed ${count("pass")}` }));
    expect(rows()).toHaveLength(count("fail") + count("skip"));
    await user.click(screen.getByRole("button", { name: `Skipped ${count("skip")}` }));
    expect(rows().every((r) => r.getAttribute("data-outcome") === "fail")).toBe(true);
    expect(rows()).toHaveLength(count("fail"));

    await user.click(screen.getByRole("button", { name: `Passed ${count("pass")}` }));
    await user.type(screen.getByRole("searchbox", { name: "Filter by text" }), "baseline.");
    expect(rows().length).toBe(vulnerable.results.filter((r) => r.outcome !== "skip" && r.id.startsWith("baseline.")).length);
    expect(rows().every((r) => r.getAttribute("data-probe")!.startsWith("baseline."))).toBe(true);

    await user.clear(screen.getByRole("searchbox", { name: "Filter by text" }));
    await user.selectOptions(screen.getByRole("combobox", { name: "Filter by severity" }), "warning");
    expect(rows().length).toBe(vulnerable.results.filter((r) => r.outcome !== "skip" && r.severity === "warning").length);
    expect(rows().every((r) => r.getAttribute("data-severity") === "warning")).toBe(true);

    await user.type(screen.getByRole("searchbox", { name: "Filter by text" }), "no such probe at all");
    expect(screen.getByText("No probe matches the filter.")).toBeTruthy();
  });

  it("opens a probe's requests and responses, raw and with secrets masked, in the inspector", async () => {
    const user = userEvent.setup();
    renderApp();
    await openProbe(user);
    await runAll(user);
    const result = failures.find((f) => f.exchanges.length > 1)!;
    const row = rows().find((r) => r.getAttribute("data-probe") === result.id)!;
    await user.click(within(row).getByRole("button"));

    const inspector = screen.getByRole("complementary", { name: "Probe exchanges" });
    expect(within(inspector).getByRole("heading", { level: 2 }).textContent).toBe(result.title);
    expect(inspector.textContent).toContain(result.reason);
    for (const [i, x] of result.exchanges.entries()) {
      const section = within(inspector).getByRole("region", { name: `${i + 1}. ${x.label}` });
      const request = within(section).getByLabelText("Raw request").textContent!;
      expect(request).toContain(`${x.request.method} ${x.request.url}`);
      if (x.response) expect(within(section).getByLabelText("Raw response").textContent).toMatch(new RegExp(`^${x.response.status}\\n`));
    }
    // The client's credentials were masked when the probe recorded them.
    expect(inspector.textContent).toContain("Authorization: ****");
    expect(inspector.textContent).not.toMatch(/agent-[an]-secret|alice-app-secret/);

    await user.click(within(inspector).getByRole("button", { name: "Close probe" }));
    expect(screen.queryByRole("complementary", { name: "Probe exchanges" })).toBeNull();
  });

  it("sends the roles as edited, and says why roles that cannot work were refused", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp();
    await openProbe(user);
    const roles = screen.getByRole("group", { name: "Roles" });
    await user.selectOptions(within(roles).getByLabelText("Attacker"), "");
    await user.selectOptions(within(roles).getByLabelText("Actor"), "payment-agent");
    backend.failWith("run_probes", { code: "invalid_input", message: '[probe] actor: client "payment-agent" has no secret', detail: null });
    await user.click(screen.getByRole("button", { name: "Run probes" }));

    expect((await screen.findByRole("alert")).textContent).toContain('[probe] actor: client "payment-agent" has no secret');
    const sent = backend.calls.find((c) => c.cmd === "run_probes")!.args!.target as ProbeTarget;
    expect(sent.actor).toBe("payment-agent");
    expect(sent.attacker).toBeUndefined();
    expect(sent.exchanger).toBe("agent-a");
    expect(screen.getByRole("button", { name: "Run probes" })).toHaveProperty("disabled", false);
  });

  it("runs only the groups picked", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp();
    await openProbe(user);
    const groups = await screen.findByRole("group", { name: "Probe groups" });
    await user.click(within(groups).getByRole("button", { name: "None" }));
    expect(screen.getByRole("button", { name: "Run probes" })).toHaveProperty("disabled", true);
    await user.click(within(groups).getByRole("checkbox", { name: /^Delegation integrity/ }));
    await runAll(user);
    expect(backend.calls.find((c) => c.cmd === "run_probes")!.args!.only).toEqual(["chain"]);
    expect(rows().every((r) => r.getAttribute("data-probe")!.startsWith("chain."))).toBe(true);
  });

  it("keeps each run in the history and compares two, regressions first", async () => {
    const user = userEvent.setup();
    const { backend } = renderApp({ probeReports: [probeHonestRun, probeVulnerableRun] });
    await openProbe(user);
    await runAll(user);
    await user.click(screen.getByRole("button", { name: "Run probes" }));
    await waitFor(() => expect(screen.getByTestId("probe-grade").textContent).toBe(vulnerable.grade), LONG);

    await user.click(screen.getByRole("button", { name: "History" }));
    const history = screen.getByRole("region", { name: "Probe history" });
    await waitFor(() => expect(within(history).getAllByTestId("probe-history-row")).toHaveLength(2));
    const [newest, older] = within(history).getAllByTestId("probe-history-row");
    expect(newest!.getAttribute("aria-current")).toBe("true");
    expect(newest!.textContent).toContain(vulnerable.grade);
    expect(older!.textContent).toContain(probeHonestRun.report.grade);

    await user.selectOptions(within(history).getByRole("combobox", { name: "Compare run #2 with…" }), "1");
    const diff = await within(history).findByRole("region", { name: "Probe changes from run #1 to run #2" });
    const changes = within(diff).getAllByTestId("probe-change");
    expect(changes.length).toBeGreaterThan(0);
    expect(changes[0]!.getAttribute("data-kind")).toBe("regression");
    expect(changes[0]!.textContent).toContain("passed → failed");
    expect(backend.calls.find((c) => c.cmd === "diff_probe_runs")?.args).toEqual({ before: 1, after: 2 });

    // An earlier run opens in the card.
    await user.click(within(older!).getByRole("button"));
    await waitFor(() => expect(screen.getByTestId("probe-grade").textContent).toBe(probeHonestRun.report.grade));
    expect(screen.getByRole("status", { name: "Shown probe run" }).textContent).toContain("Saved run #1");
  });
});
