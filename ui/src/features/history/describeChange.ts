import type { Change } from "../../api/types";
import type { TokenForm } from "../../bindings/TokenForm";

type JsonLike = unknown;

const json = (v: JsonLike) => (typeof v === "string" ? `“${v}”` : JSON.stringify(v));
const orNone = (v: string | number | null) => (v === null ? "none" : String(v));
const passed = (p: boolean) => (p ? "passed" : "failed");
const side = (only: "before" | "after") => (only === "before" ? "only in the earlier run" : "only in the later run");

/** One change between two runs, in plain words: what it concerns and how it went from the
 * earlier run to the later one. The backend decided what changed; this only says it. */
export function describeChange(change: Change): string {
  switch (change.change) {
    case "scenario":
      return `The scenario ran ${side(change.only)}`;
    case "step":
      return `This step ran ${side(change.only)}`;
    case "outcome":
      return `Outcome: ${change.before} → ${change.after}`;
    case "status":
      return `Status: ${change.before} → ${change.after}`;
    case "http_status":
      return `HTTP status: ${orNone(change.before)} → ${orNone(change.after)}`;
    case "error_code":
      return `OAuth error: ${orNone(change.before)} → ${orNone(change.after)}`;
    case "token":
      return `Token: ${tokenForm(change.before)} → ${tokenForm(change.after)}`;
    case "token_type":
      return `Token type: ${orNone(change.before)} → ${orNone(change.after)}`;
    case "lifetime":
      return `Lifetime: ${seconds(change.before)} → ${seconds(change.after)}`;
    case "claim":
      if (change.before === null) return `Claim ${change.path} added: ${json(change.after)}`;
      if (change.after === null) return `Claim ${change.path} removed (was ${json(change.before)})`;
      return `Claim ${change.path}: ${json(change.before)} → ${json(change.after)}`;
    case "finding_added":
      return `New finding (${change.severity}): ${change.message}`;
    case "finding_removed":
      return `Finding gone (${change.severity}): ${change.message}`;
    case "assertion":
      if (change.before === null && change.after !== null) return `Assertion ${change.assertion} added: ${passed(change.after)}`;
      if (change.after === null && change.before !== null) return `Assertion ${change.assertion} removed (was ${passed(change.before)})`;
      if (change.before !== null && change.after !== null) return `Assertion ${change.assertion}: ${passed(change.before)} → ${passed(change.after)}`;
      return `Assertion ${change.assertion}: not checked`;
  }
}

function tokenForm(form: TokenForm | null) {
  return form === "jwt" ? "JWT" : form === "saml" ? "SAML 2.0 assertion" : form === "opaque" ? "opaque" : "none";
}

function seconds(s: number | null) {
  return s === null ? "none" : `${s} s`;
}
