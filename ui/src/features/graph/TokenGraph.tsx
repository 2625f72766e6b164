import {
  Background,
  Controls,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Edge,
  type NodeChange,
  type NodeTypes,
} from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";

import type { Graph } from "../../api/types";
import { layoutGraph } from "./layout";
import { Legend } from "./Legend";
import { RefusalNodeCard } from "./RefusalNodeCard";
import { toFlowEdges, toFlowNodes, type GraphFlowNode } from "./toFlow";
import { TokenNodeCard } from "./TokenNodeCard";

const NODE_TYPES: NodeTypes = { token: TokenNodeCard, refusal: RefusalNodeCard };

type Props = {
  graph: Graph;
  /** What to say while there are no tokens to draw. */
  emptyText?: string;
  selectedId: string | null;
  onSelect: (nodeId: string) => void;
  /** Buttons shown over the drawing (export). */
  actions?: ReactNode;
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

function TokenGraphCanvas({ graph, emptyText, selectedId, onSelect, actions }: Props) {
  const [laidOut, setLaidOut] = useState<{ graph: Graph; nodes: GraphFlowNode[]; edges: Edge[] } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const flow = useReactFlow();

  useEffect(() => {
    let stale = false;
    const started = performance.now();
    layoutGraph(graph)
      .then((positions) => {
        if (stale) return;
        setLaidOut({ graph, nodes: toFlowNodes(graph, positions), edges: toFlowEdges(graph) });
        setProblem(null);
        performance.measure?.("baton:graph-layout", { start: started, end: performance.now() });
      })
      .catch((e: unknown) => !stale && setProblem(e instanceof Error ? e.message : String(e)));
    return () => {
      stale = true;
    };
  }, [graph]);

  // Fit the drawing when it changes, and when its room does (the inspector opening or closing).
  const section = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!laidOut) return;
    let frame = 0;
    const fit = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => void flow.fitView({ padding: 0.12, maxZoom: 1.2 }));
    };
    fit();
    const observer = new ResizeObserver(fit);
    if (section.current) observer.observe(section.current);
    return () => {
      cancelAnimationFrame(frame);
      observer.disconnect();
    };
  }, [laidOut, flow]);

  const nodes = useMemo(
    () => (laidOut ? laidOut.nodes.map((n) => (n.id === selectedId || n.selected ? { ...n, selected: n.id === selectedId } : n)) : []),
    [laidOut, selectedId],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<GraphFlowNode>[]) => {
      for (const change of changes) if (change.type === "select" && change.selected) onSelect(change.id);
    },
    [onSelect],
  );

  const ready = laidOut !== null && laidOut.graph === graph;
  return (
    <section ref={section} className="graph" aria-label="Delegation graph" data-ready={ready ? "true" : "false"}>
      {problem ? <p className="graph__problem" role="alert">The graph could not be laid out: {problem}</p> : null}
      {graph.nodes.length === 0 && (graph.refusals ?? []).length === 0 ? <p className="graph__empty muted">{emptyText ?? "No tokens yet: run the scenario to draw its graph."}</p> : null}
      <ReactFlow
        nodes={nodes}
        edges={laidOut?.edges ?? []}
        nodeTypes={NODE_TYPES}
        colorMode="system"
        onNodesChange={onNodesChange}
        onNodeClick={(_, node) => onSelect(node.id)}
        onlyRenderVisibleElements
        nodesDraggable={false}
        nodesConnectable={false}
        edgesFocusable={false}
        minZoom={0.05}
        maxZoom={2}
      >
        <Background gap={24} size={1} />
        <Controls showInteractive={false} />
      </ReactFlow>
      <Legend />
      {actions ? <div className="graph__actions">{actions}</div> : null}
    </section>
  );
}
