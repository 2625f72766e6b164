import "./refusal.css";

import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import { memo } from "react";

import type { RefusalNode } from "../../api/types";

export type RefusalFlowNode = Node<{ refusal: RefusalNode }, "refusal">;

/** What the server said instead of a token: the OAuth error code, or the status of an answer
 * that could not be read, or that no answer came. */
export function refusalHeadline(r: RefusalNode): string {
  if (r.error) return r.error;
  if (r.status !== null) return `HTTP ${r.status}, no OAuth error`;
  return "no answer";
}

/** An exchange that issued no token: the subject and actor edges lead into it, drawn refused. */
function RefusalNodeCardInner({ data, selected }: NodeProps<RefusalFlowNode>) {
  const r = data.refusal;
  return (
    <div
      className={`refusal-node ${selected ? "refusal-node--selected" : ""}`}
      data-testid="refusal-node"
      role="group"
      aria-label={`Refused: ${r.step_name}, ${refusalHeadline(r)}`}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="refusal-node__head">
        <span className="refusal-node__mark" aria-hidden="true">
          ✗
        </span>
        <span className="refusal-node__title">no token</span>
        {r.status !== null ? <span className="refusal-node__status">HTTP {r.status}</span> : null}
      </div>
      <div className="refusal-node__code" title={r.error ?? undefined}>
        {refusalHeadline(r)}
      </div>
      {r.description ? (
        <div className="refusal-node__why" title={r.description}>
          {r.description}
        </div>
      ) : null}
      <div className="refusal-node__step" title={r.step_name}>
        {r.step_name}
      </div>
    </div>
  );
}

export const RefusalNodeCard = memo(RefusalNodeCardInner);
