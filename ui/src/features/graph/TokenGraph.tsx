import {
  Background,
  ControlButton,
  Controls,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  useStore,
  type Edge,
  type NodeChange,
  type NodeTypes,
  type ReactFlowState,
} from "@xyflow/react";
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from "react";

import type { Graph } from "../../api/types";
import { CARD, type CardModel } from "./cardModel";
import { layoutGraph, type Positions } from "./layout";
import { Legend } from "./Legend";
import { RefusalNodeCard } from "./RefusalNodeCard";
import { boxesOf, cardsOf, REFUSAL_HEIGHT, toFlowEdges, toFlowNodes, toRefusalNodes, type GraphFlowNode } from "./toFlow";
import { FarContext, TokenNodeCard } from "./TokenNodeCard";
import { boxOf, focusOf, openingView, panToInclude, type Size } from "./viewport";

const NODE_TYPES: NodeTypes = { token: TokenNodeCard, refusal: RefusalNodeCard };
/** Below this zoom a card's text would be under 5 px on screen: cards are drawn as outlines. */
const FAR_ZOOM = 5 / CARD.minFontPx;
const farSelector = (s: ReactFlowState) => s.transform[2] < FAR_ZOOM;
const storedSelector = (s: ReactFlowState) => s.nodeLookup.size;
const PAN_MS = 300;
/** Graphs up to this size have every card in the page (for the keyboard and find-in-page); larger
 * ones only the cards in view. */
const ALL_DRAWN_UP_TO = 150;

type Props = {
  graph: Graph;
  /** What to say while there are no tokens to draw. */
  emptyText?: string;
  selectedId: string | null;
  onSelect: (nodeId: string) => void;
  /** Buttons shown over the drawing (export). */
  actions?: ReactNode;
  /** How large, on screen, a card's smallest text is at the opening zoom: 12 px by default, more
   * for a projector. When the whole graph cannot be shown that large, it opens on the selected
   * token (or the chain's end) and the rest is a pan, or "Fit all", away. */
  readablePx?: number;
  /** How many px at the right of the drawing a drawer covers: the views leave them out. */
  coveredRight?: number;
};

/** The tokens of a run as a delegation graph: laid out left to right, pan and zoom, a node
 * selected opens the inspector. */
export function TokenGraph(props: Props) {
  return (
    <ReactFlowProvider>
      <TokenGraphCanvas {...props} />
    </ReactFlowProvider>
  );
}

type Drawing = {
  graph: Graph;
  nodes: GraphFlowNode[];
  edges: Edge[];
  positions: Positions;
  heights: Map<string, number>;
  /** A new drawing (opens with its own view), or the last one grown or shrunk (keeps the view). */
  fresh: boolean;
  added: string[];
};

/** Nothing to draw: no token and no refusal. */
function isEmpty(graph: Graph): boolean {
  return graph.nodes.length === 0 && (graph.refusals ?? []).length === 0;
}

function draw(graph: Graph, last: Drawing | null): Drawing {
  const started = performance.now();
  const cards: Map<string, CardModel> = cardsOf(graph);
  const heights = new Map([...cards].map(([id, c]) => [id, c.height]));
  for (const r of graph.refusals ?? []) heights.set(r.id, REFUSAL_HEIGHT);
  // Refusals are boxes too, placed like the tokens they were refused instead of.
  const boxes = boxesOf(graph);
  // The same tokens as before, more or fewer: what is drawn stays where it is.
  const shared = last ? boxes.nodes.filter((n) => last.positions.has(n.id)).length : 0;
  const related = last !== null && shared > 0 && (shared === last.positions.size || shared === boxes.nodes.length);
  const positions = layoutGraph(boxes, heights, related ? last.positions : undefined);
  const added = related ? boxes.nodes.filter((n) => !last.positions.has(n.id)).map((n) => n.id) : [];
  const nodes: GraphFlowNode[] = [...toFlowNodes(graph, positions, cards), ...toRefusalNodes(graph, positions)];
  const drawing = { graph, nodes, edges: toFlowEdges(graph), positions, heights, fresh: !related, added };
  performance.measure?.("baton:graph-layout", { start: started, end: performance.now() });
  return drawing;
}

function TokenGraphCanvas({ graph, emptyText, selectedId, onSelect, actions, readablePx = 12, coveredRight = 0 }: Props) {
  const flow = useReactFlow();
  const far = useStore(farSelector);
  // React Flow takes new nodes in after a render: until then it still holds the old ones, which
  // must not all be drawn (a big graph replaced by an empty one while a run goes).
  const stored = useStore(storedSelector);
  const section = useRef<HTMLElement>(null);
  const lastDrawing = useRef<Drawing | null>(null);
  const drawing = useMemo(() => (isEmpty(graph) ? null : draw(graph, lastDrawing.current)), [graph]);
  useEffect(() => {
    if (drawing) lastDrawing.current = drawing;
  }, [drawing]);
  // Whether the drawing shown has its view yet (it is hidden until then, so it never jumps).
  const [placedFor, setPlacedFor] = useState<Drawing | null>(null);
  // Whether the user has panned or zoomed since the view was set: then it is theirs to keep.
  const userMoved = useRef(false);
  const selected = useRef(selectedId);
  selected.current = selectedId;
  const covered = useRef(coveredRight);
  covered.current = coveredRight;

  /** The room the views have: the section, less what a drawer covers (at most half). */
  const sizeOf = useCallback((): Size | null => {
    const el = section.current;
    if (!el || el.clientWidth === 0 || el.clientHeight === 0) return null;
    return { width: el.clientWidth - Math.min(covered.current, el.clientWidth / 2), height: el.clientHeight };
  }, []);

  const open = useCallback(
    (d: Drawing) => {
      const size = sizeOf();
      const all = boxOf(d.positions, d.heights, d.positions.keys());
      if (!size || !all) return false;
      const focusId = focusOf(d.graph, selected.current);
      const focus = focusId ? boxOf(d.positions, d.heights, [focusId]) : null;
      void flow.setViewport(openingView(all, focus, size, readablePx));
      userMoved.current = false;
      return true;
    },
    [flow, sizeOf, readablePx],
  );

  const reveal = useCallback(
    (d: Drawing, ids: string[]) => {
      const size = sizeOf();
      const target = boxOf(d.positions, d.heights, ids);
      if (!size || !target) return;
      const to = panToInclude(flow.getViewport(), target, size);
      if (to) void flow.setViewport(to, { duration: PAN_MS });
    },
    [flow, sizeOf],
  );

  // A new drawing opens on its own view, before it is shown; a grown one keeps the view and pans
  // gently to take the new tokens in.
  useLayoutEffect(() => {
    if (!drawing) return;
    let frame = 0;
    let tries = 0;
    const place = () => {
      if (drawing.fresh) {
        // React Flow's pan and zoom are ready a frame after it mounts. A section without a size
        // (not laid out yet) gets its view from the resize observer below.
        if (sizeOf() && !flow.viewportInitialized && tries++ < 60) {
          frame = requestAnimationFrame(place);
          return;
        }
        open(drawing);
      } else if (drawing.added.length > 0) {
        reveal(drawing, drawing.added);
      }
      setPlacedFor(drawing);
    };
    place();
    return () => cancelAnimationFrame(frame);
  }, [drawing, flow, open, reveal, sizeOf]);

  // The selected token is brought into view (a step chosen in the list, the presented step), also
  // when a drawer opens over it.
  useEffect(() => {
    if (drawing && selectedId && drawing.positions.has(selectedId)) reveal(drawing, [selectedId]);
  }, [drawing, selectedId, reveal, coveredRight]);

  // When the room changes (the window, a panel beside the graph), the opening view is worked out
  // again, unless the user has moved it.
  useEffect(() => {
    const el = section.current;
    if (!el || !drawing) return;
    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        if (!userMoved.current) open(drawing);
      });
    });
    observer.observe(el);
    return () => {
      cancelAnimationFrame(frame);
      observer.disconnect();
    };
  }, [drawing, open]);

  const nodes = useMemo(
    () =>
      drawing ? drawing.nodes.map((n) => (n.id === selectedId || n.selected ? { ...n, selected: n.id === selectedId } : n)) : [],
    [drawing, selectedId],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<GraphFlowNode>[]) => {
      for (const change of changes) if (change.type === "select" && change.selected) onSelect(change.id);
    },
    [onSelect],
  );
  const onNodeClick = useCallback((_: unknown, node: GraphFlowNode) => onSelect(node.id), [onSelect]);
  const onMoveStart = useCallback((event: MouseEvent | TouchEvent | null) => {
    if (event) userMoved.current = true;
  }, []);
  const fitAll = useCallback(() => {
    userMoved.current = true;
    void flow.fitView({ padding: 0.06, duration: PAN_MS });
  }, [flow]);
  const refocus = useCallback(() => {
    if (drawing) open(drawing);
  }, [drawing, open]);

  const ready = drawing === null ? isEmpty(graph) : placedFor === drawing;
  return (
    <section
      ref={section}
      className={`graph${ready ? "" : " graph--placing"}`}
      aria-label="Delegation graph"
      data-ready={ready ? "true" : "false"}
    >
      {isEmpty(graph) ? <p className="graph__empty muted">{emptyText ?? "No tokens yet: run the scenario to draw its graph."}</p> : null}
      <FarContext.Provider value={far}>
        <ReactFlow
          nodes={nodes}
          edges={drawing?.edges ?? []}
          nodeTypes={NODE_TYPES}
          colorMode="system"
          onNodesChange={onNodesChange}
          onNodeClick={onNodeClick}
          onMoveStart={onMoveStart}
          onlyRenderVisibleElements={Math.max(stored, nodes.length) > ALL_DRAWN_UP_TO}
          nodesDraggable={false}
          nodesConnectable={false}
          edgesFocusable={false}
          minZoom={0.02}
          maxZoom={3}
        >
          <Background gap={24} size={1} />
          <Controls showInteractive={false} showFitView={false}>
            <ControlButton onClick={fitAll} title="Fit all: every token in view" aria-label="Fit all">
              <span aria-hidden="true">⤢</span>
            </ControlButton>
            <ControlButton onClick={refocus} title="Readable: back to the opening view" aria-label="Readable view">
              <span aria-hidden="true">A</span>
            </ControlButton>
          </Controls>
        </ReactFlow>
      </FarContext.Provider>
      <Legend />
      {actions ? <div className="graph__actions">{actions}</div> : null}
    </section>
  );
}
