import type { ElkNode } from "elkjs/lib/elk-api.js";

import type { Graph } from "../../api/types";

export const NODE_WIDTH = 248;
export const NODE_HEIGHT = 150;

export type Positions = Map<string, { x: number; y: number }>;

type Elk = { layout: (graph: ElkNode) => Promise<ElkNode> };

let elk: Promise<Elk> | null = null;

/** ELK in a web worker where there is one (the app, a browser), so that laying out hundreds of
 * tokens never blocks the window; in the same thread elsewhere (tests under jsdom). */
function getElk(): Promise<Elk> {
  elk ??= (async () => {
    if (typeof Worker !== "undefined") {
      const [{ default: ElkApi }, { default: workerUrl }] = await Promise.all([
        import("elkjs/lib/elk-api.js"),
        import("elkjs/lib/elk-worker.min.js?url"),
      ]);
      return new ElkApi({ workerUrl });
    }
    const { default: ElkBundled } = await import("elkjs/lib/elk.bundled.js");
    return new ElkBundled();
  })();
  return elk;
}

const LAYOUT_OPTIONS = {
  "elk.algorithm": "layered",
  "elk.direction": "RIGHT",
  "elk.layered.spacing.nodeNodeBetweenLayers": "90",
  "elk.spacing.nodeNode": "28",
  "elk.spacing.componentComponent": "48",
  "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
  "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
};

/** Where each token goes: a layered drawing, left to right, in the order the run met them.
 * The structure is the Rust graph builder's; this only places it. */
export async function layoutGraph(graph: Graph): Promise<Positions> {
  // Refusals are boxes like tokens, after them.
  const boxes = [...graph.nodes, ...(graph.refusals ?? [])];
  if (boxes.length === 0) return new Map();
  const engine = await getElk();
  const ids = new Set(boxes.map((n) => n.id));
  const laid = await engine.layout({
    id: "root",
    layoutOptions: LAYOUT_OPTIONS,
    children: boxes.map((n) => ({ id: n.id, width: NODE_WIDTH, height: NODE_HEIGHT })),
    edges: graph.edges
      .filter((e) => ids.has(e.from) && ids.has(e.to))
      .map((e) => ({ id: e.id, sources: [e.from], targets: [e.to] })),
  });
  const positions: Positions = new Map();
  for (const child of laid.children ?? []) positions.set(child.id, { x: child.x ?? 0, y: child.y ?? 0 });
  return positions;
}
