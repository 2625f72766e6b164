import { useId, useState } from "react";

import type { Step } from "../../api/types";
import { REGISTERED_TOKEN_TYPES, reference } from "./stepModel";

const CUSTOM = "\u0000custom";
const NONE = "";

/** A token type: one of the registered URIs (by alias), an earlier exchange's
 * `issued_token_type`, or a custom URI. */
export function TokenTypePicker({
  name,
  value,
  earlier,
  optional,
  onChange,
}: {
  name: string;
  value: string;
  earlier: readonly Step[];
  optional?: boolean;
  onChange: (value: string) => void;
}) {
  const id = useId();
  const exchanges = earlier.filter((s) => s.exchange);
  const known = new Set<string>([
    ...REGISTERED_TOKEN_TYPES.map((t) => t.alias),
    ...exchanges.map((s) => reference(s.id, "issued_token_type")),
  ]);
  const [custom, setCustom] = useState(value !== "" && !known.has(value));
  const selected = custom ? CUSTOM : value;
  return (
    <div className="field">
      <label htmlFor={id}>
        {name}
        {optional ? null : <span className="required" aria-hidden="true"> *</span>}
      </label>
      <div className="field__row">
        <select
          id={id}
          value={selected}
          onChange={(e) => {
            if (e.target.value === CUSTOM) {
              setCustom(true);
              return;
            }
            setCustom(false);
            onChange(e.target.value);
          }}
        >
          {optional || value === "" ? <option value={NONE}>{optional ? "not sent" : "choose…"}</option> : null}
          <optgroup label="Registered (RFC 8693 §3)">
            {REGISTERED_TOKEN_TYPES.map((t) => (
              <option key={t.alias} value={t.alias} title={t.uri}>
                {`${t.alias} — ${t.uri}`}
              </option>
            ))}
          </optgroup>
          {exchanges.length > 0 ? (
            <optgroup label="As issued by an earlier step">
              {exchanges.map((s) => (
                <option key={s.id} value={reference(s.id, "issued_token_type")}>
                  {`${s.id}.issued_token_type`}
                </option>
              ))}
            </optgroup>
          ) : null}
          <option value={CUSTOM}>Custom URI…</option>
        </select>
        {custom ? (
          <input
            className="mono"
            aria-label={`${name} (custom URI)`}
            placeholder="urn:example:token-type"
            value={value}
            autoFocus
            onChange={(e) => onChange(e.target.value)}
          />
        ) : null}
      </div>
    </div>
  );
}
