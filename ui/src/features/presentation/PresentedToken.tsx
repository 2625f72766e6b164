import type { RunView } from "../../api/types";
import { actChainLabel } from "../graph/format";
import { inspect } from "../inspector/lookup";
import { PresentedIntrospection } from "./PresentedIntrospection";

/** In one line, what the step's run produced: who the token is about, for whom, who acts — or
 * why there is no token; for an introspection, what the server answered. */
export function PresentedToken({ view, stepId }: { view: RunView; stepId: string }) {
  const { step, node } = inspect(view, { kind: "step", id: stepId });
  if (!step) return <p className="presentation__token muted">Not reached in this run.</p>;
  // An introspection step produces no token: what it shows is the server's answer.
  if (step.kind === "introspect") return <PresentedIntrospection step={step} />;
  if (!step.token) {
    const outcome = step.response?.outcome;
    const why = outcome?.kind === "error" ? `${step.response?.status} ${outcome.error}` : (step.error ?? step.status);
    return (
      <p className="presentation__token presentation__token--refused">
        No token: <span className="mono">{why}</span>
      </p>
    );
  }
  if (!node) return null;
  return (
    <dl className="presentation__token">
      {node.sub ? (
        <>
          <dt>about</dt>
          <dd className="mono">{node.sub}</dd>
        </>
      ) : null}
      {node.aud.length > 0 ? (
        <>
          <dt>for</dt>
          <dd className="mono">{node.aud.join(", ")}</dd>
        </>
      ) : null}
      {node.scope.length > 0 ? (
        <>
          <dt>scope</dt>
          <dd className="mono">{node.scope.join(" ")}</dd>
        </>
      ) : null}
      <dt>act</dt>
      <dd className="mono">{node.act_chain.length > 0 ? actChainLabel(node.act_chain) : "none"}</dd>
    </dl>
  );
}
