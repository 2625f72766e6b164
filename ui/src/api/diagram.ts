import { save } from "@tauri-apps/plugin-dialog";

import { call } from "./ipc";
import type { DiagramFormat } from "./types";

/** Draws a saved run's graph into a file, with the same renderer as `baton graph`. */
export const exportDiagram = (runId: number, format: DiagramFormat, path: string) =>
  call<null>("export_diagram", { runId, format, path });

const FILTERS = [
  { name: "SVG image", extensions: ["svg"] },
  { name: "PNG image", extensions: ["png"] },
];

/** The format a path asks for by its extension; a path without `.svg` or `.png` gets `.svg`. */
export function diagramTarget(path: string): { path: string; format: DiagramFormat } {
  const extension = /\.([^./\\]+)$/.exec(path)?.[1]?.toLowerCase();
  if (extension === "png") return { path, format: "png" };
  if (extension === "svg") return { path, format: "svg" };
  return { path: `${path}.svg`, format: "svg" };
}

/** Asks where to write the diagram; `null` when the user cancels. */
export async function pickDiagramFile(name: string): Promise<{ path: string; format: DiagramFormat } | null> {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "diagram";
  const picked = await save({ defaultPath: `${slug}.svg`, filters: FILTERS });
  return picked ? diagramTarget(picked) : null;
}
