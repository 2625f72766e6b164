import type { ProbeOutcome, Severity } from "../../api/types";
import type { ProbeFilter } from "./probeFilter";

const OUTCOMES: Array<{ outcome: ProbeOutcome; label: string }> = [
  { outcome: "fail", label: "Failed" },
  { outcome: "skip", label: "Skipped" },
  { outcome: "pass", label: "Passed" },
];

type Props = {
  filter: ProbeFilter;
  counts: Record<ProbeOutcome, number>;
  onChange: (filter: ProbeFilter) => void;
};

/** Which results are listed: by outcome (each a toggle with its count), by text, by severity. */
export function ProbeFilters({ filter, counts, onChange }: Props) {
  const toggle = (outcome: ProbeOutcome) => {
    const next = new Set(filter.outcomes);
    if (next.has(outcome)) next.delete(outcome);
    else next.add(outcome);
    onChange({ ...filter, outcomes: next });
  };
  return (
    <div className="probe-filters" role="group" aria-label="Filter the results">
      {OUTCOMES.map(({ outcome, label }) => (
        <button
          key={outcome}
          type="button"
          className={`button button--small probe-filter probe-filter--${outcome}`}
          aria-pressed={filter.outcomes.has(outcome)}
          onClick={() => toggle(outcome)}
        >
          {label} <span className="probe-filter__count">{counts[outcome]}</span>
        </button>
      ))}
      <input
        type="search"
        className="probe-filters__text"
        placeholder="Filter by id, title, RFC…"
        aria-label="Filter by text"
        value={filter.text}
        onChange={(e) => onChange({ ...filter, text: e.target.value })}
      />
      <select
        aria-label="Filter by severity"
        value={filter.severity}
        onChange={(e) => onChange({ ...filter, severity: e.target.value as Severity | "all" })}
      >
        <option value="all">every severity</option>
        <option value="error">error</option>
        <option value="warning">warning</option>
        <option value="info">info</option>
      </select>
    </div>
  );
}
