import type { ProbeResult } from "../../api/types";

const OUTCOME_TEXT = { pass: "passed", fail: "failed", skip: "skipped" } as const;

type Props = {
  result: ProbeResult;
  selected: boolean;
  onSelect: () => void;
};

/** One probe's verdict: outcome, severity, title and id, the RFC section; the reason when it did
 * not pass, and for a failure how a server fixes it. Selecting it opens its exchanges. */
export function ProbeResultRow({ result, selected, onSelect }: Props) {
  const r = result;
  return (
    <li
      className={`probe-result probe-result--${r.outcome} ${selected ? "probe-result--selected" : ""}`}
      data-testid="probe-result"
      data-probe={r.id}
      data-outcome={r.outcome}
      data-severity={r.severity}
    >
      <button type="button" className="probe-result__button" onClick={onSelect} aria-pressed={selected} aria-label={`${r.title} (${r.id}), ${OUTCOME_TEXT[r.outcome]}`}>
        <span className={`badge badge--${OUTCOME_TEXT[r.outcome]}`}>{OUTCOME_TEXT[r.outcome]}</span>
        <span className="probe-result__title">{r.title}</span>
        <span className="probe-result__meta">
          <span className="probe-result__id mono">{r.id}</span>
          <span className={`probe-severity probe-severity--${r.severity}`}>{r.severity}</span>
          <span className="probe-result__rfc">{r.rfc}</span>
        </span>
      </button>
      {r.outcome !== "pass" ? (
        <div className="probe-result__details">
          <p className="probe-result__reason">{r.reason}</p>
          {r.outcome === "fail" ? (
            <p className="probe-result__fix">
              <strong>Fix:</strong> {r.fix}
            </p>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}
