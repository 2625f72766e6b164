import type { RunView } from "../../api/types";
import { actChainLabel } from "../graph/format";
import { StepFailure } from "../run/StepFailure";
import { ClaimsTable } from "./ClaimsTable";
import { CopyCurl } from "./CopyCurl";
import { FindingsList } from "./FindingsList";
import { HttpExchange } from "./HttpExchange";
import { inspect, type Selection } from "./lookup";
import { PrincipalChain } from "./PrincipalChain";
import { SamlAssertionView } from "./SamlAssertionView";
import { TokenDiffView } from "./TokenDiffView";
import { VerificationStatus } from "./VerificationStatus";

const ROLE_TEXT = {
  issued: "issued by",
  subject: "the subject token of",
  actor: "the actor token of",
  inspected: "examined by",
} as const;

/** A token or a step of a run, all of it: claims, signature, act chain, findings, the diff
 * against the subject token, the raw HTTP, and the request as curl. */
export function Inspector({
  view,
  selection,
  onClose,
  onCompare,
}: {
  view: RunView;
  selection: Selection;
  onClose: () => void;
  /** Compares the token shown, or a step that issued no token (a refusal), with another step or
   * token (absent: no Compare… action). */
  onCompare?: (what: Selection) => void;
}) {
  const found = inspect(view, selection);
  const { step, token, stepView } = found;
  const now = Math.floor(Date.now() / 1000);
  const jwt = token?.decoded.kind === "jwt" ? token.decoded : null;
  const saml = token?.decoded.kind === "saml" ? token.decoded : null;
  // An opaque token says what it is only through introspection: the step that introspected it.
  const introspected =
    token?.decoded.kind === "opaque"
      ? view.record.steps.find((s) => s.introspection && s.inputs.some((i) => i.token.fingerprint === token.fingerprint))
      : undefined;
  const title = found.node?.sub ? `Token about ${found.node.sub}` : step ? step.name : "Token";
  // A token compares as itself; a step that ran and got no token (a refusal) as the step.
  const compared: Selection | null = found.node
    ? { kind: "node", id: found.node.id }
    : step && !token
      ? { kind: "step", id: step.id }
      : null;
  const showsStep = selection.kind === "step" || found.role === "issued" || found.role === "inspected";

  return (
    <aside className="inspector" aria-label="Inspector">
      <header className="inspector__header">
        <div>
          <h2>{title}</h2>
          {step ? (
            <p className="muted">
              {found.role ? `${ROLE_TEXT[found.role]} ` : ""}step <span className="mono">{step.id}</span> ({step.kind}, {step.status})
              {found.node && found.node.act_chain.length > 0 ? (
                <>
                  {" "}
                  · act: <span className="mono">{actChainLabel(found.node.act_chain)}</span>
                </>
              ) : null}
            </p>
          ) : null}
        </div>
        <div className="inspector__actions">
          {onCompare && compared ? (
            <button
              type="button"
              className="button button--small"
              onClick={() => onCompare(compared)}
              title={
                compared.kind === "node"
                  ? "Compare this token with another step or token of this run or an earlier one"
                  : "Compare this step, which issued no token, with another step or token of this run or an earlier one"
              }
            >
              Compare…
            </button>
          ) : null}
          <button type="button" className="button button--quiet" aria-label="Close inspector" onClick={onClose}>
            ×
          </button>
        </div>
      </header>
      {step && showsStep ? <StepFailure record={step} /> : null}
      {token ? (
        <>
          <section className="inspector__section" aria-label="Signature">
            <h3>Signature</h3>
            <VerificationStatus token={token} />
          </section>
          {jwt ? (
            <>
              <PrincipalChain jwt={jwt} />
              <section className="inspector__section">
                <h3>Token</h3>
                <ClaimsTable title="Header" members={jwt.header} now={now} />
                <ClaimsTable title="Claims" members={jwt.claims} now={now} />
              </section>
            </>
          ) : null}
          {saml ? <SamlAssertionView assertion={saml} now={now} /> : null}
          {introspected?.introspection && introspected !== step ? (
            <section className="inspector__section" aria-label="Introspection">
              <ClaimsTable
                title={`Introspection response (step ${introspected.id})`}
                members={introspected.introspection}
                now={now}
              />
            </section>
          ) : null}
        </>
      ) : (
        <p className="muted inspector__section">This step has no token to show.</p>
      )}
      {showsStep && stepView?.diff ? <TokenDiffView diff={stepView.diff} /> : null}
      {step && showsStep ? (
        <>
          {step.introspection ? (
            <section className="inspector__section">
              <ClaimsTable title="Introspection response" members={step.introspection} now={now} />
            </section>
          ) : null}
          <FindingsList findings={step.findings} />
          {step.assertions.length > 0 ? (
            <section className="inspector__section" aria-label="Assertions">
              <h3>Assertions</h3>
              <ul className="assertions">
                {step.assertions.map((a, i) => (
                  <li key={i} className={a.passed ? "assertion assertion--passed" : "assertion assertion--failed"}>
                    <span aria-hidden="true">{a.passed ? "✓" : "✗"}</span> <span className="assertion__message">{a.message}</span>{" "}
                    <span className="mono muted" title="as written in the collection">{JSON.stringify(a.assertion)}</span>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          {stepView?.curl ? <CopyCurl curl={stepView.curl} /> : null}
          <HttpExchange request={step.request} response={step.response} />
        </>
      ) : null}
    </aside>
  );
}
