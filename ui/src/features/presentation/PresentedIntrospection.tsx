import "./presentedIntrospection.css";

import type { StepRecord } from "../../api/types";
import { introspectionFacts } from "./introspectionFacts";

/** An introspection step for an audience: what the server said about the token — active or
 * not, about whom, for which client and audience, with which scope, and who acted, in order. */
export function PresentedIntrospection({ step }: { step: StepRecord }) {
  if (!step.introspection) {
    const outcome = step.response?.outcome;
    const why = outcome?.kind === "error" ? `${step.response?.status} ${outcome.error}` : (step.error ?? "no answer");
    return (
      <p className="presentation__token presentation__token--refused">
        No introspection answer: <span className="mono">{why}</span>
      </p>
    );
  }
  const facts = introspectionFacts(step.introspection);
  return (
    <section className="presented-introspection" aria-label="What introspection said">
      <h3 className="presented-introspection__title">The server's answer (introspection)</h3>
      <dl className="presentation__token" data-testid="presented-introspection">
        <dt>active</dt>
        <dd className={facts.active ? "presented-introspection__active" : "presented-introspection__inactive"}>
          {facts.active === null ? "not said" : facts.active ? "yes" : "no: the token is not valid"}
        </dd>
        {facts.sub ? (
          <>
            <dt>about</dt>
            <dd className="mono">{facts.sub}</dd>
          </>
        ) : null}
        {facts.clientId ? (
          <>
            <dt>client</dt>
            <dd className="mono">{facts.clientId}</dd>
          </>
        ) : null}
        {facts.aud.length > 0 ? (
          <>
            <dt>for</dt>
            <dd className="mono">{facts.aud.join(", ")}</dd>
          </>
        ) : null}
        {facts.scope.length > 0 ? (
          <>
            <dt>scope</dt>
            <dd className="mono">{facts.scope.join(" ")}</dd>
          </>
        ) : null}
        {facts.active !== false ? (
          <>
            <dt>act</dt>
            <dd>
              {facts.actChain.length > 0 ? (
                <ol className="presented-introspection__chain" aria-label="Act chain, current actor first">
                  {facts.actChain.map((actor, i) => (
                    <li key={i}>
                      <span className="mono">{actor}</span>
                      <span className="presented-introspection__role">{i === 0 ? "acts now" : i === facts.actChain.length - 1 ? "acted first" : "acted before"}</span>
                    </li>
                  ))}
                </ol>
              ) : (
                <span className="mono">none</span>
              )}
            </dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}
