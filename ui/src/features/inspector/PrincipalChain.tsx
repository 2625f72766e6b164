import type { Jwt, Principal } from "../../api/types";

function principalName(p: Principal): string {
  return p.sub ?? p.client_id ?? JSON.stringify(p.claims);
}

function mayActName(mayAct: unknown): string {
  if (mayAct && typeof mayAct === "object" && !Array.isArray(mayAct)) {
    const m = mayAct as Record<string, unknown>;
    if (typeof m.sub === "string") return m.sub;
    if (typeof m.client_id === "string") return m.client_id;
  }
  return JSON.stringify(mayAct);
}

/** Who the token is about, then who acts for them now, then every earlier actor (RFC 8693 §4.1);
 * and who may act for them (§4.4). */
export function PrincipalChain({ jwt }: { jwt: Jwt }) {
  const sub = typeof jwt.claims.sub === "string" ? jwt.claims.sub : null;
  const actors = jwt.act_chain.actors;
  return (
    <section className="inspector__section" aria-label="Act chain">
      <h3>Act chain</h3>
      {actors.length === 0 ? (
        <p className="muted">No <code>act</code>: nobody is named as acting for the subject.</p>
      ) : null}
      <ol className="principal-chain">
        <li className="principal principal--subject" title="sub">
          <span className="principal__role">subject</span>
          <span className="principal__name">{sub ?? "(no sub)"}</span>
        </li>
        {actors.map((actor, i) => (
          <li key={i} className="principal principal--actor" title={JSON.stringify(actor.claims)}>
            <span className="principal__role">{i === 0 ? "acting now" : `earlier actor ${i}`}</span>
            <span className="principal__name">{principalName(actor)}</span>
            {actor.iss ? <span className="principal__iss muted">{actor.iss}</span> : null}
          </li>
        ))}
      </ol>
      {actors.length > 0 ? (
        <p className="act-chain-text mono" aria-label="act chain as text">
          act: {actors.map(principalName).join(" ← ")}
        </p>
      ) : null}
      {jwt.act_chain.problem ? <p className="finding finding--error">{jwt.act_chain.problem}</p> : null}
      {jwt.may_act !== null && jwt.may_act !== undefined ? (
        <p className="may-act">
          <span className="principal__role">may_act</span>{" "}
          <span className="principal principal--may-act">
            <span className="principal__name">{mayActName(jwt.may_act)}</span>
          </span>{" "}
          <span className="muted">may act for {sub ?? "the subject"}</span>
        </p>
      ) : null}
    </section>
  );
}
