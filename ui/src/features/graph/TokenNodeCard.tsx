import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import { memo } from "react";

import type { ExchangeKind, TokenNode } from "../../api/types";
import { actChainLabel, shortIssuer } from "./format";

export type TokenFlowNode = Node<{ token: TokenNode; issuedBy: ExchangeKind | null }, "token">;

function Line({ label, value }: { label: string; value: string | null }) {
  if (value === null || value === "") return null;
  return (
    <div className="token-node__line" title={`${label}: ${value}`}>
      <span className="token-node__key">{label}</span> <span className="token-node__value">{value}</span>
    </div>
  );
}

function verifiedMark(verified: boolean | null) {
  if (verified === true) return <span className="token-node__verified token-node__verified--ok" title="Signature verified">✓ verified</span>;
  if (verified === false) return <span className="token-node__verified token-node__verified--bad" title="Signature did not verify">✗ signature</span>;
  return null;
}

/** One token: who it is about, for whom, what it allows, its type and issuer, and who acts. */
function TokenNodeCardInner({ data, selected }: NodeProps<TokenFlowNode>) {
  const t = data.token;
  const kind = data.issuedBy ? `token-node--${data.issuedBy}` : "token-node--origin";
  return (
    <div className={`token-node ${kind} ${selected ? "token-node--selected" : ""}`} data-testid="token-node" data-sub={t.sub ?? ""}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="token-node__head">
        <span className="token-node__step" title={t.step_name}>
          {t.step_name}
        </span>
        <span className="token-node__type">{t.opaque ? "opaque" : t.token_type === "saml2" ? "SAML 2.0 assertion" : (t.token_type ?? "token")}</span>
      </div>
      <Line label="sub" value={t.sub} />
      <Line label="aud" value={t.aud.join(", ")} />
      <Line label="scope" value={t.scope.join(" ")} />
      <Line label="act" value={t.act_chain.length > 0 ? actChainLabel(t.act_chain) : null} />
      <Line label="may_act" value={t.may_act} />
      <div className="token-node__foot">
        <span className="token-node__issuer" title={t.issuer ?? ""}>
          {shortIssuer(t.issuer) ?? ""}
        </span>
        {verifiedMark(t.verified)}
      </div>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
}

export const TokenNodeCard = memo(TokenNodeCardInner);
