import type { Step, StepRecord, TokenRecord } from "../../api/types";
import type { LiveStatus } from "../run/useRun";

/** One exchange to show moving: its subject and actor tokens going into the token service, and
 * what came out. */
export type ExchangeMotion = {
  /** A new key starts the animation again. */
  key: string;
  stepName: string;
  subject: string;
  actor: string | null;
  /** The issued token's label; null while the exchange is in flight or when it was refused. */
  issued: string | null;
  outcome: "pending" | "issued" | "refused";
};

/** A token as a chip says it: whom it is about, and who acts now. */
export function tokenLabel(t: TokenRecord | undefined): string {
  if (!t || t.decoded.kind !== "jwt") return "token";
  const claims = t.decoded.claims;
  const text = (v: unknown) => (typeof v === "string" ? v : null);
  const who = text(claims.sub) ?? text(claims.client_id) ?? "token";
  const actor = t.decoded.act_chain.actors[0];
  const acting = actor ? (actor.sub ?? actor.client_id) : null;
  return acting ? `${who} ← ${acting}` : who;
}

/** Whether a step trades tokens for a token: an exchange, or a grant made from a token. */
function trades(record: StepRecord): boolean {
  return record.kind === "exchange" || (record.kind === "token" && record.inputs.some((i) => i.role === "subject"));
}

/** A finished step's exchange, from its record. */
export function motionFromRecord(record: StepRecord): ExchangeMotion | null {
  if (!trades(record)) return null;
  const subject = record.inputs.find((i) => i.role === "subject");
  if (!subject) return null;
  const actor = record.inputs.find((i) => i.role === "actor");
  return {
    key: `${record.id}:done`,
    stepName: record.name,
    subject: tokenLabel(subject.token),
    actor: actor ? tokenLabel(actor.token) : null,
    issued: record.token ? tokenLabel(record.token) : null,
    outcome: record.token ? "issued" : "refused",
  };
}

/** The step a `{{steps.ID.…}}` reference reads from. */
function referencedStep(template: string | null | undefined): string | null {
  const m = template ? /\{\{\s*steps\.([^.}\s]+)\./.exec(template) : null;
  return m ? m[1]! : null;
}

/** A running exchange, from its definition and the records of the steps it reads. */
export function motionFromStep(step: Step, records: Record<string, StepRecord>): ExchangeMotion | null {
  const exchange = step.exchange;
  if (!exchange) return null;
  const label = (template: string | null | undefined, role: string) => {
    const from = referencedStep(template);
    return from && records[from]?.token ? tokenLabel(records[from]!.token!) : role;
  };
  return {
    key: `${step.id}:running`,
    stepName: step.name,
    subject: label(exchange.subject_token, "subject"),
    actor: exchange.actor_token ? label(exchange.actor_token, "actor") : null,
    issued: null,
    outcome: "pending",
  };
}

/** What a run shows moving: the exchange in flight, else the one that has just finished. */
export function liveMotion(
  steps: readonly Step[],
  statuses: Record<string, LiveStatus>,
  records: Record<string, StepRecord>,
  justFinished: string | null,
): ExchangeMotion | null {
  const running = steps.find((s) => statuses[s.id] === "running");
  const inFlight = running ? motionFromStep(running, records) : null;
  if (inFlight) return inFlight;
  // A step that is no exchange (a first token, an inspection) leaves the last one showing.
  const done = justFinished ? records[justFinished] : undefined;
  return done ? motionFromRecord(done) : null;
}
