type Props = {
  collection: string | null;
  scenario: { id: string; name: string } | null;
  onCreate: () => void;
  onRename: (id: string) => void;
  onDuplicate: (id: string) => void;
  onDelete: (id: string) => void;
};

/** What can be done to scenarios: a new one in the selected collection, the rest to the open one. */
export function ScenarioToolbar({ collection, scenario, onCreate, onRename, onDuplicate, onDelete }: Props) {
  if (!collection) return null;
  const on = (action: (id: string) => void) => () => scenario && action(scenario.id);
  const target = scenario ? ` scenario “${scenario.name}”` : " scenario";
  return (
    <div className="toolbar toolbar--scenarios" role="toolbar" aria-label="Scenario actions">
      <button type="button" className="button button--small" onClick={onCreate} aria-label={`New scenario in “${collection}”`}>
        New scenario
      </button>
      <span className="toolbar__spacer" />
      <button type="button" className="button button--small" disabled={!scenario} onClick={on(onRename)} aria-label={`Rename${target}`}>
        Rename
      </button>
      <button type="button" className="button button--small" disabled={!scenario} onClick={on(onDuplicate)} aria-label={`Duplicate${target}`}>
        Duplicate
      </button>
      <button type="button" className="button button--small button--danger" disabled={!scenario} onClick={on(onDelete)} aria-label={`Delete${target}`}>
        Delete
      </button>
    </div>
  );
}
