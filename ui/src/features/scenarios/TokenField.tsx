import { useId } from "react";

import type { Step } from "../../api/types";
import { ReferenceMenu } from "./ReferenceMenu";

/** A token parameter: usually an earlier step's token, picked from the menu; or any text
 * (a pasted token, `{{env.…}}`). */
export function TokenField({
  name,
  value,
  earlier,
  required,
  onChange,
}: {
  name: string;
  value: string;
  earlier: readonly Step[];
  required?: boolean;
  onChange: (value: string) => void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>
        {name}
        {required ? <span className="required" aria-hidden="true"> *</span> : null}
      </label>
      <div className="field__row">
        <input
          id={id}
          className="mono"
          value={value}
          placeholder={required ? "pick a step's token, or paste one" : "none"}
          onChange={(e) => onChange(e.target.value)}
        />
        <ReferenceMenu
          steps={earlier}
          outputs={["access_token", "refresh_token"]}
          label={`Reference for ${name}`}
          onPick={onChange}
        />
      </div>
    </div>
  );
}
