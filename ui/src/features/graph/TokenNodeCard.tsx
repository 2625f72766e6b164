import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import { createContext, Fragment, memo, useContext } from "react";

import type { ExchangeKind, TokenNode } from "../../api/types";
import type { CardModel } from "./cardModel";

export type TokenFlowNode = Node<{ token: TokenNode; card: CardModel; issuedBy: ExchangeKind | null }, "token">;

/** True while the graph is zoomed out too far for any card's text to be read: cards are then
 * drawn as plain outlines, which is much cheaper with thousands of them in view. */
export const FarContext = createContext(false);

function verifiedMark(verified: boolean | null) {
  if (verified === true) return <span className="token-node__verified token-node__verified--ok">✓ verified</span>;
  if (verified === false) return <span className="token-node__verified token-node__verified--bad">✗ signature</span>;
  return null;
}

/** One token: who it is about (sub), for whom (aud), what it allows (scope), the whole act chain,
 * its type, signature and issuer. Long values wrap between words; a list too long for the card
 * ends in "+N more" (the inspector, one click away, shows it all). */
function TokenNodeCardInner({ data, selected }: NodeProps<TokenFlowNode>) {
  const far = useContext(FarContext);
  const card = data.card;
  const kind = data.issuedBy ? `token-node--${data.issuedBy}` : "token-node--origin";
  const className = `token-node ${kind}${selected ? " token-node--selected" : ""}`;
  if (far) {
    return (
      <div className={`${className} token-node--far`} style={{ height: card.height }} data-testid="token-node" data-sub={data.token.sub ?? ""}>
        <Handle type="target" position={Position.Left} isConnectable={false} />
        <Handle type="source" position={Position.Right} isConnectable={false} />
      </div>
    );
  }
  return (
    <div className={className} style={{ height: card.height }} data-testid="token-node" data-sub={data.token.sub ?? ""}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="token-node__step">{card.name.join(" ")}</div>
      {card.fields.map((f) => (
        <div key={f.key} className="token-node__field" data-field={f.key}>
          <span className="token-node__key">{f.key}</span>
          <span className="token-node__value">
            {/* A space between lines, for copying and screen readers (a flex column draws none). */}
            {f.lines.map((line, i) => (
              <Fragment key={i}>
                {i > 0 ? " " : null}
                <span className="token-node__line">{line}</span>
              </Fragment>
            ))}
            {f.more > 0 ? <span className="token-node__more"> +{f.more} more</span> : null}
          </span>
        </div>
      ))}
      <div className="token-node__foot">
        <span className="token-node__type">{card.type}</span>
        {verifiedMark(card.verified)}
        <span className="token-node__issuer">{card.issuer}</span>
      </div>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
}

export const TokenNodeCard = memo(TokenNodeCardInner);
