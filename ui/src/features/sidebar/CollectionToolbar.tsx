type Props = {
  selected: string | null;
  onCreate: () => void;
  onImport: () => void;
  onRename: (name: string) => void;
  onDuplicate: (name: string) => void;
  onExport: (name: string) => void;
  onDelete: (name: string) => void;
  onEnvironments: () => void;
};

/** What can be done to collections: create and import always, the rest to the selected one. */
export function CollectionToolbar({ selected, onCreate, onImport, onRename, onDuplicate, onExport, onDelete, onEnvironments }: Props) {
  const on = (action: (name: string) => void) => () => selected && action(selected);
  const target = selected ? ` “${selected}”` : "";
  return (
    <div className="toolbar" role="toolbar" aria-label="Collection actions">
      <button type="button" className="button button--small" onClick={onCreate}>
        New
      </button>
      <button type="button" className="button button--small" onClick={onImport}>
        Import…
      </button>
      <span className="toolbar__spacer" />
      <button type="button" className="button button--small" disabled={!selected} onClick={on(onRename)} aria-label={`Rename${target}`}>
        Rename
      </button>
      <button type="button" className="button button--small" disabled={!selected} onClick={on(onDuplicate)} aria-label={`Duplicate${target}`}>
        Duplicate
      </button>
      <button type="button" className="button button--small" disabled={!selected} onClick={on(onExport)} aria-label={`Export${target}`}>
        Export…
      </button>
      <button type="button" className="button button--small button--danger" disabled={!selected} onClick={on(onDelete)} aria-label={`Delete${target}`}>
        Delete
      </button>
      <button
        type="button"
        className="button button--small"
        disabled={!selected}
        onClick={onEnvironments}
        aria-label={selected ? `Environments of “${selected}”` : "Environments"}
      >
        Environments…
      </button>
    </div>
  );
}
