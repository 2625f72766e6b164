import { useEffect, useState } from "react";

import { previewAssertions } from "../../api/assertions";
import { toIpcError } from "../../api/ipc";
import type { Assertion, AssertionPreview, IpcError } from "../../api/types";

export const PREVIEW_DELAY_MS = 300;

export type PreviewState = {
  /** The preview of the assertions last asked about, and which they were. */
  preview: AssertionPreview | null;
  checked: string | null;
  error: IpcError | null;
};

/** How `assertions` fare against the step in run `runId`, asked again `delayMs` after they stop
 * changing. Nothing is asked without a run. */
export function useAssertionPreview(runId: number | null, stepId: string, assertions: readonly Assertion[], delayMs = PREVIEW_DELAY_MS) {
  const [state, setState] = useState<PreviewState>({ preview: null, checked: null, error: null });
  const key = JSON.stringify(assertions);

  useEffect(() => {
    if (runId === null) return;
    let stale = false;
    const timer = setTimeout(() => {
      previewAssertions(runId, stepId, JSON.parse(key) as Assertion[])
        .then((preview) => !stale && setState({ preview, checked: key, error: null }))
        .catch((e) => !stale && setState((s) => ({ ...s, checked: key, error: toIpcError(e) })));
    }, delayMs);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [runId, stepId, key, delayMs]);

  return { ...state, current: state.checked === key };
}
