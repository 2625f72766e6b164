import { call } from "./ipc";

/** Draws a saved run's graph into the file chosen for it (`chooseFile("export_diagram")`), as SVG
 * or PNG by its extension, with the same renderer as `baton graph`. */
export const exportDiagram = (runId: number, grant: string) => call<null>("export_diagram", { runId, grant });

/** The format a chosen diagram file is written in. */
export const diagramFormat = (path: string): "SVG" | "PNG" => (/\.png$/i.test(path) ? "PNG" : "SVG");
