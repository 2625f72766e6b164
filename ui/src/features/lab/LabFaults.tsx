import { useEffect, useId, useState } from "react";

import { toIpcError } from "../../api/ipc";
import { setLabFaults } from "../../api/lab";
import type { LabFaultsView, LabView } from "../../api/types";

const NO_FAULTS: LabFaultsView = { down: false, latency_ms: 0, unavailable_retry_after: null, failure_rate: 0, clock_skew_secs: 0 };

/** The form's text for each number, so a half-typed value stays as typed. */
type Draft = { down: boolean; latency: string; retryAfter: string; rate: string; skew: string };

const draftOf = (f: LabFaultsView): Draft => ({
  down: f.down,
  latency: f.latency_ms ? String(f.latency_ms) : "",
  retryAfter: f.unavailable_retry_after === null ? "" : String(f.unavailable_retry_after),
  rate: f.failure_rate ? String(f.failure_rate) : "",
  skew: f.clock_skew_secs ? String(f.clock_skew_secs) : "",
});

/** The faults a draft asks for, or what is wrong with it. */
function faultsOf(d: Draft): LabFaultsView | { problem: string } {
  const whole = (label: string, text: string, signed = false): number | string => {
    if (text.trim() === "") return 0;
    const n = Number(text);
    return Number.isInteger(n) && (signed || n >= 0) ? n : `${label} must be a whole number${signed ? "" : " of 0 or more"}`;
  };
  const latency = whole("latency (ms)", d.latency);
  const retry = d.retryAfter.trim() === "" ? null : whole("Retry-After (s)", d.retryAfter);
  const skew = whole("clock skew (s)", d.skew, true);
  const rate = d.rate.trim() === "" ? 0 : Number(d.rate);
  for (const v of [latency, retry, skew]) if (typeof v === "string") return { problem: v };
  if (Number.isNaN(rate)) return { problem: "failure rate must be a number between 0 and 1" };
  return {
    down: d.down,
    latency_ms: latency as number,
    unavailable_retry_after: retry as number | null,
    failure_rate: rate,
    clock_skew_secs: skew as number,
  };
}

/** Failing on purpose: the faults in force with a one-click clear, and a form to set them. */
export function LabFaults({ lab, onChanged }: { lab: LabView; onChanged: (view: LabView) => void }) {
  const [draft, setDraft] = useState(() => draftOf(lab.faults));
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { down: useId(), latency: useId(), retry: useId(), rate: useId(), skew: useId() };
  useEffect(() => setDraft(draftOf(lab.faults)), [lab.faults]);

  const send = async (faults: LabFaultsView) => {
    setBusy(true);
    setProblem(null);
    try {
      onChanged(await setLabFaults(faults));
    } catch (e) {
      setProblem(toIpcError(e).message);
    } finally {
      setBusy(false);
    }
  };
  const apply = () => {
    const wanted = faultsOf(draft);
    if ("problem" in wanted) setProblem(wanted.problem);
    else void send(wanted);
  };
  const field = (id: string, label: string, key: keyof Omit<Draft, "down">, placeholder: string) => (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} className="mono" value={draft[key]} placeholder={placeholder} onChange={(e) => setDraft({ ...draft, [key]: e.target.value })} />
    </div>
  );

  return (
    <section aria-labelledby="lab-faults-heading" className="lab__faults">
      <h2 id="lab-faults-heading">Faults</h2>
      {lab.faults_in_force.length > 0 ? (
        <div className="lab__vulnerable" role="status" aria-label="Faults in force">
          <p className="lab__vulnerable-head">The lab is failing on purpose:</p>
          <ul>
            {lab.faults_in_force.map((f) => (
              <li key={f} data-testid="lab-fault">
                {f}
              </li>
            ))}
          </ul>
          <button type="button" className="button button--primary" disabled={busy} onClick={() => void send(NO_FAULTS)}>
            Clear faults
          </button>
        </div>
      ) : (
        <p className="muted">No fault: the lab answers normally.</p>
      )}
      {lab.checks_off.length > 0 ? (
        <p className="muted" data-testid="lab-checks-off">
          Switched off by a scenario: <code>{lab.checks_off.join(", ")}</code>
        </p>
      ) : null}
      <div className="field-grid">
        <div className="field">
          <label htmlFor={ids.down}>
            <input id={ids.down} type="checkbox" checked={draft.down} onChange={(e) => setDraft({ ...draft, down: e.target.checked })} /> down
            (connections refused)
          </label>
        </div>
        {field(ids.latency, "latency (ms)", "latency", "0")}
        {field(ids.retry, "503 with Retry-After (s)", "retryAfter", "off")}
        {field(ids.rate, "failure rate (0 to 1)", "rate", "0")}
        {field(ids.skew, "clock skew (s, negative: behind)", "skew", "0")}
      </div>
      {problem ? (
        <p role="alert" className="lab__problem" data-testid="lab-faults-error">
          {problem}
        </p>
      ) : null}
      <button type="button" className="button" disabled={busy} onClick={apply}>
        Apply faults
      </button>
    </section>
  );
}
