type Props = {
  selected: string | null;
  onCreate: () => void;
  onImport: () => void;
  onRename: (name: string) => void;
  onDuplicate: (name: string) => void;
  onExport: (name: string) => void;
  onDelete: (name: string) => void;
  onEnvironments: () => void;
  /** Opens the collection runner for the selected collection. */
  onRunCollection?: (name: string) => void;
  /** A file is being imported: Import waits, and says so. */
  importing?: boolean;
};

/** What can be done to collections: create and import always, the rest to the selected one. */
export function CollectionToolbar({ selected, onCreate, onImport, onRename, onDuplicate, onExport, onDelete, onEnvironments, importing = false, onRunCollection }: Props) {
  const on = (action: (name: string) => void) => () => selected && action(selected);
  const target = selected ? ` “${selected}”` : "";
  return (
    <div className="toolbar" role="toolbar" aria-label="Collection actions">
      <button type="button" className="button button--small" onClick={onCreate}>
        New
      </button>
      <button type="button" className="button button--small" onClick={onImport} disabled={importing} aria-busy={importing}>
        {importing ? (
          <>
            <span className="spinner" aria-hidden="true" /> Importing…
          </>
        ) : (
          "Import…"
        )}
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
      {onRunCollection ? (
        // Named so that it never answers to a search for the scenario's Run button.
        <button
          type="button"
          className="button button--small"
          disabled={!selected}
          onClick={on(onRunCollection)}
          aria-label={selected ? `Collection runner for “${selected}”` : "Collection runner"}
          title="Run the whole collection, or some of its scenarios"
        >
          Collection runner…
        </button>
      ) : null}
    </div>
  );
}
