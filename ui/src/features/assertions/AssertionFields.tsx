import type { ClaimPath, Severity } from "../../api/types";
import { CLAIM_OPS, SEVERITIES, describeValue, formatValue, type AssertionRow, type ClaimOp } from "./assertionModel";

export const ERROR_CODES = [
  "invalid_request",
  "invalid_client",
  "invalid_grant",
  "unauthorized_client",
  "unsupported_grant_type",
  "invalid_scope",
  "invalid_target",
];

type FieldsProps = {
  row: AssertionRow;
  /** "Assertion 2": the prefix of every field's accessible name. */
  name: string;
  claims: readonly ClaimPath[];
  claimListId: string;
  errorListId: string;
  onChange: (row: AssertionRow) => void;
};

function short(value: unknown): string {
  const s = JSON.stringify(value);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

function Input({ label, value, placeholder, list, mono = true, onChange }: { label: string; value: string; placeholder?: string; list?: string; mono?: boolean; onChange: (v: string) => void }) {
  return (
    <input
      aria-label={label}
      className={mono ? "mono" : undefined}
      value={value}
      placeholder={placeholder}
      list={list}
      spellCheck={false}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

function Explained({ children }: { children: string }) {
  return <p className="assertion-fields__hint muted">{children}</p>;
}

/** A claim by dotted path, picked from the last run's claims or typed; how it is checked; and
 * the value, read as JSON when it reads as JSON. */
function ClaimFields({ row, name, claims, claimListId, onChange }: FieldsProps) {
  const valued = row.op === "equals" || row.op === "contains" || row.op === "matches";
  const pick = (path: string) => {
    const found = claims.find((c) => c.path === path);
    // An empty value takes the claim's value in the last run: the usual start for "equals".
    const fill = found && row.text === "" && (row.op === "equals" || row.op === "contains") ? formatValue(found.value) : row.text;
    onChange({ ...row, claim: path, text: fill });
  };
  return (
    <>
      <div className="assertion-fields__line">
        <Input label={`${name} claim path`} value={row.claim} placeholder="act.sub" list={claimListId} onChange={(claim) => onChange({ ...row, claim })} />
        <select
          aria-label={`${name} claim from the last run`}
          className="assertion-fields__menu"
          value=""
          disabled={claims.length === 0}
          onChange={(e) => e.target.value && pick(e.target.value)}
        >
          <option value="">{claims.length === 0 ? "No claims from a run" : "From the last run…"}</option>
          {claims.map((c) => (
            <option key={c.path} value={c.path}>
              {`${c.path} = ${short(c.value)}`}
            </option>
          ))}
        </select>
      </div>
      <div className="assertion-fields__line">
        <select aria-label={`${name} operator`} value={row.op} onChange={(e) => onChange({ ...row, op: e.target.value as ClaimOp })}>
          {CLAIM_OPS.map((op) => (
            <option key={op} value={op}>
              {op}
            </option>
          ))}
        </select>
        {valued ? (
          <Input
            label={`${name} value`}
            value={row.text}
            placeholder={row.op === "matches" ? "^order-" : 'order-service, 42, true, ["a","b"]'}
            onChange={(text) => onChange({ ...row, text })}
          />
        ) : null}
      </div>
      {row.op === "equals" || row.op === "contains" ? (
        <p className="assertion-fields__hint muted">
          <span data-testid="assertion-value-type">{describeValue(row.text)}.</span> Numbers, true/false, null, [arrays] and{" "}
          {"{objects}"} are read as JSON, anything else as text; quote a value (e.g. "42") to compare it as text.
        </p>
      ) : row.op === "matches" ? (
        <p className="assertion-fields__hint muted">A regular expression the claim's text matches.</p>
      ) : null}
    </>
  );
}

/** The inputs of one assertion row, by its kind. */
export function AssertionFields(props: FieldsProps) {
  const { row, name, onChange } = props;
  const text = (label: string, placeholder?: string, list?: string) => (
    <Input label={`${name} ${label}`} value={row.text} placeholder={placeholder} list={list} onChange={(t) => onChange({ ...row, text: t })} />
  );
  switch (row.kind) {
    case "status":
      return text("status", "200");
    case "error":
      return text("error code", "invalid_scope", props.errorListId);
    case "claim":
      return <ClaimFields {...props} />;
    case "scope_subset_of":
      return text("allowed scopes", "payments:charge payments:refund");
    case "scope_subset_of_subject":
      return <Explained>Every scope granted was in the subject token's scope.</Explained>;
    case "aud_contains":
      return text("audience", "payments-api");
    case "sub_preserved":
      return <Explained>The issued token's sub is the subject token's sub.</Explained>;
    case "act_chain":
      return (
        <>
          {text("act chain", "payment-agent, flight-agent")}
          <p className="assertion-fields__hint muted">Current actor first, by sub (or client_id), separated by commas.</p>
        </>
      );
    case "act_depth":
      return text("act depth", "2");
    case "round_trips":
      return (
        <>
          {text("round trips", "1")}
          <p className="assertion-fields__hint muted">Requests the step sent: a repeated step's round trips, 0 when its token came from the cache.</p>
        </>
      );
    case "no_findings_at_or_above":
      return (
        <select aria-label={`${name} severity`} value={row.severity} onChange={(e) => onChange({ ...row, severity: e.target.value as Severity })}>
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      );
    case "json":
      return text("JSON", '{"status": 200}');
  }
}
