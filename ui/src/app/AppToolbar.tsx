import { useId } from "react";

type Props = {
  /** The collection whose environment is switched; `null` when none is selected. */
  collection: string | null;
  environments: string[];
  environment: string | null;
  onChooseEnvironment: (name: string) => void;
  onShowShortcuts: () => void;
};

/** Across the top of the main area: which environment runs use, and the shortcut list. */
export function AppToolbar({ collection, environments, environment, onChooseEnvironment, onShowShortcuts }: Props) {
  const id = useId();
  return (
    <div className="app-toolbar" role="toolbar" aria-label="App">
      {collection ? (
        <span className="app-toolbar__collection muted" title="The selected collection">
          {collection}
        </span>
      ) : null}
      {collection && environments.length > 0 ? (
        <span className="app-toolbar__environment">
          <label htmlFor={id}>Environment</label>
          <select
            id={id}
            data-testid="environment-switch"
            value={environment ?? ""}
            onChange={(e) => onChooseEnvironment(e.target.value)}
            title={`The environment runs of “${collection}” use`}
          >
            {environments.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </span>
      ) : collection ? (
        <span className="muted app-toolbar__none">No environments</span>
      ) : null}
      <span className="toolbar__spacer" />
      <button
        type="button"
        className="button button--small button--quiet app-toolbar__help"
        onClick={onShowShortcuts}
        aria-label="Keyboard shortcuts"
        aria-keyshortcuts="?"
        title="Keyboard shortcuts (?)"
      >
        ?
      </button>
    </div>
  );
}
