import type { Scenario } from "../../api/types";

type Props = {
  scenarios: readonly Scenario[];
  selected: ReadonlySet<string>;
  disabled: boolean;
  onChange: (selected: ReadonlySet<string>) => void;
};

/** Which of the collection's scenarios to run: a checkbox each, and all or none at once. */
export function ScenarioPicker({ scenarios, selected, disabled, onChange }: Props) {
  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    onChange(next);
  };
  return (
    <fieldset className="runner-picker" disabled={disabled}>
      <legend>
        Scenarios to run{" "}
        <span className="muted">
          ({selected.size} of {scenarios.length})
        </span>
      </legend>
      <div className="runner-picker__bulk">
        <button type="button" className="button button--small" onClick={() => onChange(new Set(scenarios.map((s) => s.id)))}>
          Select all
        </button>
        <button type="button" className="button button--small" onClick={() => onChange(new Set())}>
          Select none
        </button>
      </div>
      <ul className="runner-picker__list">
        {scenarios.map((s) => (
          <li key={s.id}>
            <label>
              <input type="checkbox" checked={selected.has(s.id)} onChange={(e) => toggle(s.id, e.target.checked)} /> {s.name}
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
