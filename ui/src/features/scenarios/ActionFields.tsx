import type { Collection, ExchangeStep, InspectStep, IntrospectStep, LabStep, Step, TokenStep } from "../../api/types";
import { ListEditor } from "./ListEditor";
import { ParamsEditor } from "./ParamsEditor";
import { SelectField, TextField } from "./TextField";
import { TokenField } from "./TokenField";
import { TokenTypePicker } from "./TokenTypePicker";

type Ctx = { collection: Collection; earlier: readonly Step[] };

const clientOptions = (c: Collection) =>
  (c.clients ?? []).map((cl) => ({ value: cl.id, label: cl.client_id === cl.id ? cl.id : `${cl.id} (${cl.client_id})` }));

/** RFC 8693 §2.1: every parameter of a token exchange. */
export function ExchangeFields({ value, onChange, collection, earlier }: Ctx & { value: ExchangeStep; onChange: (v: ExchangeStep) => void }) {
  const set = <K extends keyof ExchangeStep>(key: K, v: ExchangeStep[K]) => onChange({ ...value, [key]: v });
  return (
    <>
      <SelectField name="client" required value={value.client} options={clientOptions(collection)} onChange={(v) => set("client", v)} />
      <TokenField name="subject_token" required value={value.subject_token} earlier={earlier} onChange={(v) => set("subject_token", v)} />
      <TokenTypePicker name="subject_token_type" value={value.subject_token_type} earlier={earlier} onChange={(v) => set("subject_token_type", v)} />
      <TokenField name="actor_token" value={value.actor_token ?? ""} earlier={earlier} onChange={(v) => set("actor_token", v)} />
      <TokenTypePicker name="actor_token_type" optional value={value.actor_token_type ?? ""} earlier={earlier} onChange={(v) => set("actor_token_type", v)} />
      <TokenTypePicker
        name="requested_token_type"
        optional
        value={value.requested_token_type ?? ""}
        earlier={earlier}
        onChange={(v) => set("requested_token_type", v)}
      />
      <ListEditor name="audience" values={value.audience ?? []} placeholder="payments-api" onChange={(v) => set("audience", v)} />
      <ListEditor name="resource" values={value.resource ?? []} placeholder="https://api.example.com/" onChange={(v) => set("resource", v)} />
      <TextField name="scope" mono value={value.scope ?? ""} placeholder="space-separated, as sent" onChange={(v) => set("scope", v)} />
      <ParamsEditor params={value.params} onChange={(v) => set("params", v)} />
    </>
  );
}

const GRANTS = [
  { value: "client_credentials", label: "client_credentials" },
  { value: "password", label: "password (legacy, for labs)" },
  { value: "refresh_token", label: "refresh_token" },
];

/** A first token: client credentials, a user's password, or a refresh token. */
export function TokenFields({ value, onChange, collection, earlier }: Ctx & { value: TokenStep; onChange: (v: TokenStep) => void }) {
  const set = <K extends keyof TokenStep>(key: K, v: TokenStep[K]) => onChange({ ...value, [key]: v });
  return (
    <>
      <SelectField name="client" required value={value.client} options={clientOptions(collection)} onChange={(v) => set("client", v)} />
      <SelectField name="grant" required value={value.grant} options={GRANTS} onChange={(v) => set("grant", v as TokenStep["grant"])} />
      {value.grant === "password" ? (
        <>
          <TextField name="username" value={value.username ?? ""} onChange={(v) => set("username", v)} />
          <TextField
            name="password"
            mono
            value={value.password ?? ""}
            placeholder="{{secret.alice.password}}"
            onChange={(v) => set("password", v)}
          />
        </>
      ) : null}
      {value.grant === "refresh_token" ? (
        <TokenField name="refresh_token" required value={value.refresh_token ?? ""} earlier={earlier} onChange={(v) => set("refresh_token", v)} />
      ) : null}
      <ListEditor name="audience" values={value.audience ?? []} onChange={(v) => set("audience", v)} />
      <ListEditor name="resource" values={value.resource ?? []} onChange={(v) => set("resource", v)} />
      <TextField name="scope" mono value={value.scope ?? ""} placeholder="space-separated, as sent" onChange={(v) => set("scope", v)} />
      <ParamsEditor params={value.params} onChange={(v) => set("params", v)} />
    </>
  );
}

/** Token introspection (RFC 7662) at the client's server. */
export function IntrospectFields({ value, onChange, collection, earlier }: Ctx & { value: IntrospectStep; onChange: (v: IntrospectStep) => void }) {
  const set = <K extends keyof IntrospectStep>(key: K, v: IntrospectStep[K]) => onChange({ ...value, [key]: v });
  return (
    <>
      <SelectField name="client" required value={value.client} options={clientOptions(collection)} onChange={(v) => set("client", v)} />
      <TokenField name="token" required value={value.token} earlier={earlier} onChange={(v) => set("token", v)} />
      <TextField name="token_type_hint" mono value={value.token_type_hint ?? ""} placeholder="access_token" onChange={(v) => set("token_type_hint", v)} />
    </>
  );
}

/** Decode a token, and verify it against a server's keys. */
export function InspectFields({ value, onChange, collection, earlier }: Ctx & { value: InspectStep; onChange: (v: InspectStep) => void }) {
  const set = <K extends keyof InspectStep>(key: K, v: InspectStep[K]) => onChange({ ...value, [key]: v });
  const servers = (collection.servers ?? []).map((s) => ({ value: s.id, label: s.name ? `${s.id} (${s.name})` : s.id }));
  return (
    <>
      <TokenField name="token" required value={value.token} earlier={earlier} onChange={(v) => set("token", v)} />
      <SelectField name="server" value={value.server ?? ""} options={servers} empty="decode only, do not verify" onChange={(v) => set("server", v)} />
    </>
  );
}

const TRISTATE = [
  { value: "true", label: "down: connections refused" },
  { value: "false", label: "up: connections accepted" },
];

/** Changes Baton's own lab (docs/collection-format.md#lab-steps): each field set changes that
 * fault, the others stay; what a scenario changes is put back when it ends. */
export function LabFields({ value, onChange }: { value: LabStep; onChange: (v: LabStep) => void }) {
  const set = <K extends keyof LabStep>(key: K, v: LabStep[K]) => onChange({ ...value, [key]: v });
  const numberText = (v: number | null | undefined) => (v === null || v === undefined ? "" : String(v));
  const numberOf = (text: string): number | null => (text.trim() === "" || Number.isNaN(Number(text)) ? null : Number(text));
  return (
    <>
      <SelectField
        name="down"
        value={value.down === true ? "true" : value.down === false ? "false" : ""}
        options={TRISTATE}
        empty="unchanged"
        onChange={(v) => set("down", v === "" ? null : v === "true")}
      />
      <TextField name="latency_ms" mono value={numberText(value.latency_ms)} placeholder="unchanged (0: none)" onChange={(v) => set("latency_ms", numberOf(v))} />
      <TextField
        name="unavailable_retry_after"
        mono
        value={numberText(value.unavailable_retry_after)}
        placeholder="unchanged; seconds of Retry-After with every 503"
        onChange={(v) => set("unavailable_retry_after", numberOf(v))}
      />
      <TextField
        name="failure_rate"
        mono
        value={numberText(value.failure_rate)}
        placeholder="unchanged; 0 to 1, the share of requests answered 503"
        onChange={(v) => set("failure_rate", numberOf(v))}
      />
      <TextField
        name="clock_skew_secs"
        mono
        value={numberText(value.clock_skew_secs)}
        placeholder="unchanged; seconds ahead, negative for behind"
        onChange={(v) => set("clock_skew_secs", numberOf(v))}
      />
      <ListEditor name="checks_off" values={value.checks_off ?? []} placeholder="may_act_carried" onChange={(v) => set("checks_off", v)} />
      <SelectField
        name="clear"
        value={value.clear ? "true" : ""}
        options={[{ value: "true", label: "first put every fault and check back" }]}
        empty="no"
        onChange={(v) => set("clear", v === "true")}
      />
    </>
  );
}
