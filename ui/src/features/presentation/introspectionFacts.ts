import type { JsonValue } from "../../bindings/serde_json/JsonValue";

/** What an introspection response (RFC 7662 §2.2) says about a token, as the audience reads it. */
export type IntrospectionFacts = {
  active: boolean | null;
  sub: string | null;
  clientId: string | null;
  aud: string[];
  scope: string[];
  /** The act chain (RFC 8693 §4.1), current actor first. */
  actChain: string[];
};

type Members = { [key in string]?: JsonValue };
type JsonObject = { [key in string]: JsonValue };

const text = (v: JsonValue | undefined): string | null =>
  typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : null;

const isObject = (v: JsonValue | undefined): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

// A nested `act` is bounded by the response the server sent; the cap keeps a hostile one from
// filling the screen.
const MAX_ACTORS = 16;

/** An actor as the graph names it: its `sub`, else its `client_id`, else the object. */
function actorLabel(act: JsonObject): string {
  return text(act.sub) ?? text(act.client_id) ?? JSON.stringify(act);
}

export function introspectionFacts(members: Members): IntrospectionFacts {
  const actChain: string[] = [];
  let act = members.act;
  while (isObject(act) && actChain.length < MAX_ACTORS) {
    actChain.push(actorLabel(act));
    act = act.act;
  }
  const aud = members.aud;
  return {
    active: typeof members.active === "boolean" ? members.active : null,
    sub: text(members.sub),
    clientId: text(members.client_id),
    aud: Array.isArray(aud) ? aud.map(text).filter((a): a is string => a !== null) : text(aud) ? [text(aud)!] : [],
    // RFC 7662: a space-separated string; `scp` arrays are what some servers send instead.
    scope: text(members.scope)?.split(" ").filter(Boolean) ?? (Array.isArray(members.scp) ? members.scp.map(text).filter((s): s is string => s !== null) : []),
    actChain,
  };
}
