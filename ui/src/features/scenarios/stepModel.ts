import type { Collection, ExchangeStep, InspectStep, IntrospectStep, LabStep, Step, StepKind, TokenStep } from "../../api/types";

/** The token types registered by RFC 8693 §3, with the aliases Baton's files accept for them. */
export const REGISTERED_TOKEN_TYPES: ReadonlyArray<{ alias: string; uri: string }> = [
  { alias: "access_token", uri: "urn:ietf:params:oauth:token-type:access_token" },
  { alias: "refresh_token", uri: "urn:ietf:params:oauth:token-type:refresh_token" },
  { alias: "id_token", uri: "urn:ietf:params:oauth:token-type:id_token" },
  { alias: "jwt", uri: "urn:ietf:params:oauth:token-type:jwt" },
  { alias: "saml1", uri: "urn:ietf:params:oauth:token-type:saml1" },
  { alias: "saml2", uri: "urn:ietf:params:oauth:token-type:saml2" },
];

export const STEP_KINDS: readonly StepKind[] = ["token", "exchange", "introspect", "inspect", "lab"];

export function stepKind(step: Step): StepKind | null {
  if (step.token) return "token";
  if (step.exchange) return "exchange";
  if (step.introspect) return "introspect";
  if (step.inspect) return "inspect";
  if (step.lab) return "lab";
  return null;
}

/** The outputs of a step that later steps may refer to (docs/collection-format.md#references). */
export type StepOutput = "access_token" | "refresh_token" | "issued_token_type";

export const reference = (stepId: string, output: StepOutput) => `{{steps.${stepId}.${output}}}`;

/** The steps before `index`, whose outputs the step at `index` may use. */
export function earlierSteps(steps: readonly Step[], index: number): Step[] {
  return steps.slice(0, Math.max(0, index));
}

export function defaultAction(kind: StepKind, client: string): Pick<Step, StepKind> {
  switch (kind) {
    case "token":
      return { token: { client, grant: "client_credentials" } };
    case "exchange":
      return { exchange: { client, subject_token: "", subject_token_type: "access_token" } };
    case "introspect":
      return { introspect: { client, token: "" } };
    case "inspect":
      return { inspect: { token: "" } };
    case "lab":
      // Changes Baton's own lab: an outage to begin with.
      return { lab: { down: true } };
  }
}

export function newStep(collection: Collection, steps: readonly Step[], kind: StepKind): Step {
  const taken = new Set(steps.map((s) => s.id));
  let n = steps.length + 1;
  while (taken.has(`step-${n}`)) n++;
  const client = collection.clients?.[0]?.id ?? "";
  return { id: `step-${n}`, name: `Step ${n}`, ...defaultAction(kind, client) };
}

const text = (v: string | null | undefined): string | undefined => (v === undefined || v === null || v === "" ? undefined : v);
const list = (v: readonly string[] | undefined): string[] | undefined => {
  const kept = (v ?? []).filter((x) => x !== "");
  return kept.length > 0 ? kept : undefined;
};
const map = (v: Record<string, string> | undefined): Record<string, string> | undefined => {
  const entries = Object.entries(v ?? {}).filter(([k]) => k !== "");
  if (entries.length === 0) return undefined;
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
};

/** Drops what is unset, so the object has only the keys the engine reads, in its order. */
function compact<T extends object>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as T;
}

function cleanToken(a: TokenStep): TokenStep {
  return compact({
    client: a.client,
    grant: a.grant,
    username: text(a.username),
    password: text(a.password),
    refresh_token: text(a.refresh_token),
    audience: list(a.audience),
    resource: list(a.resource),
    scope: text(a.scope),
    params: map(a.params),
    omit: list(a.omit),
  });
}

function cleanExchange(a: ExchangeStep): ExchangeStep {
  return compact({
    client: a.client,
    subject_token: a.subject_token,
    subject_token_type: a.subject_token_type,
    actor_token: text(a.actor_token),
    actor_token_type: text(a.actor_token_type),
    requested_token_type: text(a.requested_token_type),
    audience: list(a.audience),
    resource: list(a.resource),
    scope: text(a.scope),
    params: map(a.params),
    omit: list(a.omit),
  });
}

function cleanIntrospect(a: IntrospectStep): IntrospectStep {
  return compact({ client: a.client, token: a.token, token_type_hint: text(a.token_type_hint) });
}

function cleanInspect(a: InspectStep): InspectStep {
  return compact({ token: a.token, server: text(a.server) });
}

function cleanLab(a: LabStep): LabStep {
  const num = (v: number | null | undefined) => (v === null || v === undefined || Number.isNaN(v) ? undefined : v);
  return compact({
    down: a.down ?? undefined,
    latency_ms: num(a.latency_ms),
    unavailable_retry_after: num(a.unavailable_retry_after),
    failure_rate: num(a.failure_rate),
    clock_skew_secs: num(a.clock_skew_secs),
    checks_off: list(a.checks_off),
    clear: a.clear ? true : undefined,
  });
}

/** The step as the engine reads it (docs/collection-format.md#steps): `id`, `name`, `notes` when
 * set, exactly one action with its unset parameters left out, and `assert` when it has any. */
export function cleanStep(step: Step): Step {
  return compact({
    id: step.id.trim(),
    name: step.name,
    notes: text(step.notes),
    token: step.token ? cleanToken(step.token) : undefined,
    exchange: step.exchange ? cleanExchange(step.exchange) : undefined,
    introspect: step.introspect ? cleanIntrospect(step.introspect) : undefined,
    inspect: step.inspect ? cleanInspect(step.inspect) : undefined,
    lab: step.lab ? cleanLab(step.lab) : undefined,
    assert: step.assert && step.assert.length > 0 ? step.assert : undefined,
    retry: step.retry ?? undefined,
    cache: step.cache ?? undefined,
    cache_margin_secs: step.cache_margin_secs ?? undefined,
    repeat: step.repeat ?? undefined,
  });
}

/** Whether a step sends a token request of its own, so `cache` and `repeat` apply to it. */
export function sendsTokenRequest(step: Step): boolean {
  if (step.exchange) return true;
  const grant = step.token?.grant;
  return grant !== undefined && grant !== "authorization_code" && grant !== "device_code";
}

/** What must be filled in before the step can be saved; the engine checks the rest. */
export function missingFields(step: Step): string[] {
  const missing: string[] = [];
  if (!step.id.trim()) missing.push("id");
  if (!step.name.trim()) missing.push("name");
  const needs = (label: string, v: string | null | undefined) => {
    if (!v || !v.trim()) missing.push(label);
  };
  if (step.token) needs("client", step.token.client);
  if (step.exchange) {
    needs("client", step.exchange.client);
    needs("subject_token", step.exchange.subject_token);
    needs("subject_token_type", step.exchange.subject_token_type);
  }
  if (step.introspect) {
    needs("client", step.introspect.client);
    needs("token", step.introspect.token);
  }
  if (step.inspect) needs("token", step.inspect.token);
  if (step.lab && Object.keys(cleanLab(step.lab)).length === 0) missing.push("a lab change");
  return missing;
}

/** The collection with one scenario's step list replaced. */
export function withSteps(collection: Collection, scenarioId: string, steps: Step[]): Collection {
  return {
    ...collection,
    scenarios: (collection.scenarios ?? []).map((s) => (s.id === scenarioId ? { ...s, steps } : s)),
  };
}
