import { useEffect, useState } from "react";

import { compareStep } from "../../api/compare";
import { toIpcError } from "../../api/ipc";
import type { CompareView, IpcError } from "../../api/types";
import { Dialog } from "../../shared/Dialog";
import { ErrorBanner } from "../../shared/ErrorBanner";
import { Comparison } from "./Comparison";

type Props = {
  collection: string;
  scenarioId: string;
  stepId: string;
  stepName: string;
  environment: string | null;
  onClose: () => void;
};

type State = { kind: "loading" } | { kind: "shown"; view: CompareView } | { kind: "failed"; error: IpcError };

/** Runs the step both ways (`compare_step`) and shows the two results over the scenario; Esc or
 * Close returns to it. */
export function CompareDialog({ collection, scenarioId, stepId, stepName, environment, onClose }: Props) {
  const [state, setState] = useState<State>({ kind: "loading" });

  useEffect(() => {
    let stale = false;
    setState({ kind: "loading" });
    compareStep(collection, scenarioId, stepId, environment)
      .then((view) => !stale && setState({ kind: "shown", view }))
      .catch((e: unknown) => !stale && setState({ kind: "failed", error: toIpcError(e) }));
    return () => {
      stale = true;
    };
  }, [collection, scenarioId, stepId, environment]);

  return (
    <Dialog label="Delegation vs impersonation" onClose={onClose} className="compare">
      <div data-testid="compare">
        <header className="compare__header">
          <div>
            <h1>Delegation vs impersonation</h1>
            <p className="muted">
              Step <span className="mono">{stepId}</span>: {stepName}. Both variants run the scenario up to this step; neither
              run is saved.
            </p>
          </div>
          <button type="button" className="button" onClick={onClose} aria-keyshortcuts="Escape" data-autofocus>
            Close
          </button>
        </header>
        {state.kind === "loading" ? (
          <p className="compare__loading muted" role="status">
            Running the step as delegation and as impersonation…
          </p>
        ) : null}
        {state.kind === "failed" ? <ErrorBanner error={state.error} /> : null}
        {state.kind === "shown" ? <Comparison view={state.view} /> : null}
      </div>
    </Dialog>
  );
}
