import { useId } from "react";

export function TextField({
  name,
  value,
  placeholder,
  required,
  mono,
  multiline,
  onChange,
}: {
  name: string;
  value: string;
  placeholder?: string;
  required?: boolean;
  mono?: boolean;
  multiline?: boolean;
  onChange: (value: string) => void;
}) {
  const id = useId();
  const className = mono ? "mono" : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>
        {name}
        {required ? <span className="required" aria-hidden="true"> *</span> : null}
      </label>
      {multiline ? (
        <textarea id={id} className={className} rows={3} value={value} placeholder={placeholder} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input id={id} className={className} value={value} placeholder={placeholder} onChange={(e) => onChange(e.target.value)} />
      )}
    </div>
  );
}

export function SelectField({
  name,
  value,
  options,
  empty,
  required,
  onChange,
}: {
  name: string;
  value: string;
  options: ReadonlyArray<{ value: string; label: string }>;
  /** The label of the "nothing chosen" option, when nothing is allowed. */
  empty?: string;
  required?: boolean;
  onChange: (value: string) => void;
}) {
  const id = useId();
  const known = options.some((o) => o.value === value);
  return (
    <div className="field">
      <label htmlFor={id}>
        {name}
        {required ? <span className="required" aria-hidden="true"> *</span> : null}
      </label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {empty !== undefined || value === "" ? <option value="">{empty ?? "choose…"}</option> : null}
        {!known && value !== "" ? <option value={value}>{`${value} (not in this collection)`}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
