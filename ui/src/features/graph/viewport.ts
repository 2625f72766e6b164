import type { Graph } from "../../api/types";
import { CARD } from "./cardModel";
import type { Heights, Positions } from "./layout";

export type Box = { x: number; y: number; w: number; h: number };
export type View = { x: number; y: number; zoom: number };
export type Size = { width: number; height: number };

/** Room kept free at the edges of the drawing, in screen px: the legend lies along the top, the
 * zoom controls and the export button along the bottom. */
export const EDGE_ROOM = { top: 64, right: 32, bottom: 28, left: 24 } as const;
/** The opening zoom never goes above this unless reading needs it. */
const COMFORTABLE_ZOOM = 1.15;

/** The zoom at which a card's smallest text is `px` on screen (a hair over, so that rounding
 * never leaves it a fraction under). */
export const readableZoom = (px: number) => (px / CARD.minFontPx) * 1.002;

export function boxOf(positions: Positions, heights: Heights, ids: Iterable<string>): Box | null {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const id of ids) {
    const p = positions.get(id);
    if (!p) continue;
    x0 = Math.min(x0, p.x);
    y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x + CARD.width);
    y1 = Math.max(y1, p.y + (heights.get(id) ?? 0));
  }
  return x0 === Infinity ? null : { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/** The token a drawing opens on when it cannot all be read at once: the one selected, else the
 * end of the chain (the last token issued by an exchange), else the last token. */
export function focusOf(graph: Graph, selectedId: string | null): string | null {
  if (selectedId && graph.nodes.some((n) => n.id === selectedId)) return selectedId;
  const issued = new Set(graph.edges.map((e) => e.to));
  for (let i = graph.nodes.length - 1; i >= 0; i--) if (issued.has(graph.nodes[i]!.id)) return graph.nodes[i]!.id;
  return graph.nodes.at(-1)?.id ?? null;
}

/** Where one axis of the window starts: the whole of `all` when it fits, else `focus` in view with
 * as much of what leads to it (before it on the axis) as there is room for. */
function axisStart(room: number, all: [number, number], focus: [number, number], padBefore: number, end: boolean): number {
  const [a0, a1] = all;
  const [f0, f1] = focus;
  if (a1 - a0 <= room) return (a0 + a1) / 2 - room / 2 - padBefore;
  // The focus at the far end of the window (reading towards it), or at its start.
  const start = end ? f1 - room : f0;
  const clamped = Math.min(Math.max(start, a0), a1 - room);
  return Math.min(clamped, f0) - padBefore;
}

/**
 * The view a drawing opens with: everything, if it can be read so (its text at least
 * `readablePx` on screen); else readable, on `focus` and what leads to it, the rest a pan away.
 */
export function openingView(all: Box, focus: Box | null, size: Size, readablePx: number): View {
  const w = Math.max(1, size.width - EDGE_ROOM.left - EDGE_ROOM.right);
  const h = Math.max(1, size.height - EDGE_ROOM.top - EDGE_ROOM.bottom);
  const fit = Math.min(w / all.w, h / all.h);
  const read = readableZoom(readablePx);
  const zoom = Math.min(Math.max(fit, read), Math.max(read, COMFORTABLE_ZOOM));
  const f = focus ?? all;
  const padL = EDGE_ROOM.left / zoom;
  const padT = EDGE_ROOM.top / zoom;
  const x0 = axisStart(w / zoom, [all.x, all.x + all.w], [f.x, f.x + f.w], padL, true);
  const y0 = axisStart(h / zoom, [all.y, all.y + all.h], [f.y, f.y + f.h], padT, false);
  return { x: -x0 * zoom, y: -y0 * zoom, zoom };
}

/** The smallest pan, at the same zoom, that brings `target` into view; null when it is in view. */
export function panToInclude(view: View, target: Box, size: Size): View | null {
  const { zoom } = view;
  const left = (-view.x + EDGE_ROOM.left) / zoom;
  const top = (-view.y + EDGE_ROOM.top) / zoom;
  const right = (-view.x + size.width - EDGE_ROOM.right) / zoom;
  const bottom = (-view.y + size.height - EDGE_ROOM.bottom) / zoom;
  let dx = 0;
  let dy = 0;
  if (target.x + target.w > right) dx = target.x + target.w - right;
  if (target.x - dx < left) dx = target.x - left;
  if (target.y + target.h > bottom) dy = target.y + target.h - bottom;
  if (target.y - dy < top) dy = target.y - top;
  if (Math.abs(dx) < 1 && Math.abs(dy) < 1) return null;
  return { x: view.x - dx * zoom, y: view.y - dy * zoom, zoom };
}
