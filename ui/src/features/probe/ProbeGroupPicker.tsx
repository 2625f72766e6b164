import type { ProbeGroup, ProbeInfo } from "../../api/types";

type Props = {
  catalogue: ProbeInfo[];
  /** The groups to run; every group when it holds them all. */
  selected: ReadonlySet<ProbeGroup>;
  disabled: boolean;
  onChange: (selected: ReadonlySet<ProbeGroup>) => void;
};

/** The catalogue's groups in run order, with how many probes each has: pick those to run. */
export function ProbeGroupPicker({ catalogue, selected, disabled, onChange }: Props) {
  const groups: Array<{ group: ProbeGroup; title: string; count: number }> = [];
  for (const p of catalogue) {
    const g = groups.find((x) => x.group === p.group);
    if (g) g.count += 1;
    else groups.push({ group: p.group, title: p.groupTitle, count: 1 });
  }
  const toggle = (group: ProbeGroup, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(group);
    else next.delete(group);
    onChange(next);
  };
  return (
    <fieldset className="probe-groups" aria-label="Probe groups">
      <div className="probe-groups__head">
        <span className="probe-setup__label">Groups</span> <span className="muted">{catalogue.length} probes</span>
        <button type="button" className="button button--link" disabled={disabled} onClick={() => onChange(new Set(groups.map((g) => g.group)))}>
          All
        </button>
        <button type="button" className="button button--link" disabled={disabled} onClick={() => onChange(new Set())}>
          None
        </button>
      </div>
      <ul className="probe-groups__list">
        {groups.map((g) => (
          <li key={g.group}>
            <label title={g.title}>
              <input type="checkbox" checked={selected.has(g.group)} disabled={disabled} onChange={(e) => toggle(g.group, e.target.checked)} />
              <span>{g.title}</span> <span className="muted">{g.count}</span>
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
