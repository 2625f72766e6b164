import { useState } from "react";

import { diagramFormat, exportDiagram } from "../../api/diagram";
import { chooseFile } from "../../api/files";
import { toIpcError } from "../../api/ipc";
import type { IpcError } from "../../api/types";
import { useToast } from "../../shared/Toast";

type Props = {
  /** The saved run whose graph to draw; null when the shown run was not saved. */
  runId: number | null;
  /** Names the file the dialog suggests. */
  name: string;
  onError: (error: IpcError) => void;
};

/** Saves the run's graph as an SVG or PNG file, whichever extension the user picks. */
export function ExportDiagramButton({ runId, name, onError }: Props) {
  const toast = useToast();
  const [busy, setBusy] = useState(false);

  const exportNow = async () => {
    if (runId === null) return;
    setBusy(true);
    try {
      const chosen = await chooseFile("export_diagram", name);
      if (!chosen) return;
      await exportDiagram(runId, chosen.grant);
      toast.show(`Diagram saved as ${diagramFormat(chosen.path)}: ${chosen.path}`);
    } catch (e) {
      onError(toIpcError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <button
      type="button"
      className="button button--small"
      onClick={() => void exportNow()}
      disabled={runId === null || busy}
      title={runId === null ? "Run the scenario first: a saved run can be exported" : "Save the graph as an SVG or PNG file"}
    >
      Export diagram…
    </button>
  );
}
