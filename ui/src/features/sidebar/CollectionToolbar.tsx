type Props = {
  onCreate: () => void;
  onImport: () => void;
  /** A file is being imported: Import waits, and says so. */
  importing?: boolean;
};

/** The two things done to no collection in particular: a new one, an imported one. What is done
 * to one collection is in its row's menu. */
export function CollectionToolbar({ onCreate, onImport, importing = false }: Props) {
  return (
    <div className="toolbar sidebar__toolbar" role="toolbar" aria-label="Collection actions">
      <button type="button" className="button button--small" onClick={onCreate}>
        New collection
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
    </div>
  );
}
