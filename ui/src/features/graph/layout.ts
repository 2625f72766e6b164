import type { Graph } from "../../api/types";
import { CARD } from "./cardModel";

export type Positions = Map<string, { x: number; y: number }>;
/** Each card's height (the width is `CARD.width` for all). */
export type Heights = ReadonlyMap<string, number>;

/** Room between columns (for the arrows), between cards in a column, and between chains. */
export const GAP_X = 64;
export const GAP_Y = 20;
export const CHAIN_GAP = 44;
/** Past this many new tokens, a graph is laid out afresh instead of around the old positions. */
const MAX_PLACED_AROUND = 200;

/**
 * Where each token goes: a layered drawing, left to right, of Baton's graphs, which are chains
 * (each exchange turns a subject token, and an actor's token, into an issued one).
 *
 * - An issued token's column is one past the furthest token it was exchanged from. A token that
 *   was issued to nobody's request (a sign-in, an agent's own token) sits in the column just
 *   before the first token exchanged from it, so an actor's token stands next to what it acted
 *   for rather than at the far left.
 * - In a column, tokens that carry the story on (subjects) come first and actors' own tokens
 *   below them, each group in the order the run met them: the chain reads along the top row.
 * - A token not exchanged (yet) waits below the last column of the chain before it, where the
 *   next hop of a chain of agents will want it.
 * - Separate chains are drawn one below the other.
 * - `previous` (the last drawing): the tokens it placed keep their places, so that a graph that
 *   grows (a run, a presentation) never moves what is already drawn; new tokens go where this
 *   layout puts them, moved down if that place is taken.
 *
 * The structure is the Rust graph builder's; this only places it. Linear in the graph's size
 * (plus the sorting of each column), so 5,000 tokens take milliseconds.
 */
export function layoutGraph(graph: Graph, heights: Heights, previous?: Positions): Positions {
  const fresh = layoutFresh(graph, heights);
  if (!previous || previous.size === 0) return fresh;
  const kept = graph.nodes.filter((n) => previous.has(n.id));
  const added = graph.nodes.length - kept.length;
  if (kept.length === 0 || added > MAX_PLACED_AROUND) return fresh;
  return placeAround(graph, heights, fresh, previous);
}

function layoutFresh(graph: Graph, heights: Heights): Positions {
  const n = graph.nodes.length;
  const index = new Map<string, number>();
  graph.nodes.forEach((node, i) => index.set(node.id, i));
  const incoming: number[][] = Array.from({ length: n }, () => []);
  const outgoing: number[][] = Array.from({ length: n }, () => []);
  const actorOnly: boolean[] = new Array<boolean>(n).fill(true);
  for (const e of graph.edges) {
    const from = index.get(e.from);
    const to = index.get(e.to);
    if (from === undefined || to === undefined || from === to) continue;
    incoming[to]!.push(from);
    outgoing[from]!.push(to);
    if (e.role !== "actor") actorOnly[from] = false;
  }

  // Depth from the tokens nothing was exchanged for (Kahn's order, so a cycle, which the graph
  // builder never makes, cannot loop: its tokens stay in column 0).
  const depth = new Array<number>(n).fill(0);
  const waiting = incoming.map((ins) => ins.length);
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (waiting[i] === 0) queue.push(i);
  for (let head = 0; head < queue.length; head++) {
    const i = queue[head]!;
    for (const to of outgoing[i]!) {
      depth[to] = Math.max(depth[to]!, depth[i]! + 1);
      waiting[to]! -= 1;
      if (waiting[to] === 0) queue.push(to);
    }
  }
  const column = depth.slice();
  for (let i = 0; i < n; i++) {
    if (incoming[i]!.length > 0 || outgoing[i]!.length === 0) continue;
    column[i] = Math.max(0, Math.min(...outgoing[i]!.map((to) => depth[to]!)) - 1);
  }

  // Chains: the connected parts, in the order the run met them.
  const parent = graph.nodes.map((_, i) => i);
  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root]!;
    while (parent[i] !== root) {
      const next = parent[i]!;
      parent[i] = root;
      i = next;
    }
    return root;
  };
  for (let i = 0; i < n; i++) for (const to of outgoing[i]!) parent[find(to)] = find(i);
  // A token not exchanged (yet) waits at the end of the chain before it, below its last column:
  // where, in a chain of agents, the next hop will want it.
  const lone = (i: number) => incoming[i]!.length === 0 && outgoing[i]!.length === 0;
  const lastColumn = new Map<number, number>();
  for (let i = 0; i < n; i++) if (!lone(i)) lastColumn.set(find(i), Math.max(lastColumn.get(find(i)) ?? 0, column[i]!));
  for (let i = 1; i < n; i++) {
    if (!lone(i)) continue;
    const before = find(i - 1);
    column[i] = lastColumn.get(before) ?? column[i - 1]!;
    parent[i] = before;
  }
  const chains = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const root = find(i);
    const members = chains.get(root);
    if (members) members.push(i);
    else chains.set(root, [i]);
  }

  const positions: Positions = new Map();
  const heightOf = (i: number) => heights.get(graph.nodes[i]!.id) ?? CARD.lineHeight * 8;
  let top = 0;
  for (const members of chains.values()) {
    const columns = new Map<number, number[]>();
    for (const i of members) {
      const col = columns.get(column[i]!);
      if (col) col.push(i);
      else columns.set(column[i]!, [i]);
    }
    let bottom = top;
    for (const [col, ids] of columns) {
      // Subjects first, then actors' own tokens; each group in run order (ids are in it).
      const below = (i: number) => Number(lone(i) || (actorOnly[i]! && outgoing[i]!.length > 0));
      ids.sort((a, b) => below(a) - below(b) || a - b);
      let y = top;
      for (const i of ids) {
        positions.set(graph.nodes[i]!.id, { x: col * (CARD.width + GAP_X), y });
        y += heightOf(i) + GAP_Y;
      }
      bottom = Math.max(bottom, y - GAP_Y);
    }
    top = bottom + CHAIN_GAP;
  }
  return positions;
}

type Box = { x: number; y: number; w: number; h: number };
const overlaps = (a: Box, b: Box) => a.x < b.x + b.w + GAP_X / 2 && b.x < a.x + a.w + GAP_X / 2 && a.y < b.y + b.h + GAP_Y && b.y < a.y + a.h + GAP_Y;

/** The tokens already drawn stay; each new one goes to its fresh place, moved down past any
 * card it would cover. */
function placeAround(graph: Graph, heights: Heights, fresh: Positions, previous: Positions): Positions {
  const positions: Positions = new Map();
  const boxes: Box[] = [];
  const box = (id: string, p: { x: number; y: number }): Box => ({ x: p.x, y: p.y, w: CARD.width, h: heights.get(id) ?? CARD.lineHeight * 8 });
  for (const node of graph.nodes) {
    const p = previous.get(node.id);
    if (!p) continue;
    positions.set(node.id, p);
    boxes.push(box(node.id, p));
  }
  for (const node of graph.nodes) {
    if (positions.has(node.id)) continue;
    const start = fresh.get(node.id) ?? { x: 0, y: 0 };
    const mine = box(node.id, start);
    // Each move goes below a card it covered, so it ends within as many moves as there are cards.
    for (let moves = 0; moves <= boxes.length; moves++) {
      const hit = boxes.find((b) => overlaps(mine, b));
      if (!hit) break;
      mine.y = hit.y + hit.h + GAP_Y;
    }
    positions.set(node.id, { x: mine.x, y: mine.y });
    boxes.push(mine);
  }
  return positions;
}
