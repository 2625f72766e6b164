import type { ResultGroup } from "./probeFilter";
import { ProbeResultRow } from "./ProbeResultRow";

type Props = {
  groups: ResultGroup[];
  selectedId: string | null;
  onSelect: (id: string) => void;
};

/** The results the filter lets through, grouped as on the report card, failures first. */
export function ProbeResultList({ groups, selectedId, onSelect }: Props) {
  if (groups.length === 0) return <p className="muted probe-results__none">No probe matches the filter.</p>;
  return (
    <div className="probe-results">
      {groups.map((g) => (
        <section key={g.group} className="probe-results__group" aria-label={g.title} data-group={g.group}>
          <h3>{g.title}</h3>
          <ul className="probe-results__list">
            {g.results.map((r) => (
              <ProbeResultRow key={r.id} result={r} selected={r.id === selectedId} onSelect={() => onSelect(r.id)} />
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
