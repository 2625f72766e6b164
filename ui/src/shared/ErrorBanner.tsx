import type { IpcError } from "../api/types";

const CODE_LABELS: Record<IpcError["code"], string> = {
  not_found: "Not found",
  invalid_input: "Invalid input",
  unresolved: "Unresolved reference",
  conflict: "Name already taken",
  store: "Storage error",
  transport: "Server unreachable",
  internal: "Internal error",
};

/** A command's failure: what happened, in the shell's words, with the detail on request. */
export function ErrorBanner({ error, onDismiss }: { error: IpcError; onDismiss?: () => void }) {
  return (
    <div className="error-banner" role="alert">
      <div className="error-banner__text">
        <strong>{CODE_LABELS[error.code] ?? error.code}:</strong> <span>{error.message}</span>
        {error.detail ? (
          <details>
            <summary>Detail</summary>
            <pre>{error.detail}</pre>
          </details>
        ) : null}
      </div>
      {onDismiss ? (
        <button type="button" className="button button--quiet" onClick={onDismiss} aria-label="Dismiss error">
          ×
        </button>
      ) : null}
    </div>
  );
}
