/** A repeatable parameter (`audience`, `resource`): one input a value, each sent as its own
 * form parameter. */
export function ListEditor({
  name,
  values,
  placeholder,
  onChange,
}: {
  name: string;
  values: readonly string[];
  placeholder?: string;
  onChange: (values: string[]) => void;
}) {
  const set = (i: number, v: string) => onChange(values.map((x, j) => (j === i ? v : x)));
  return (
    <fieldset className="field list-editor">
      <legend>{name}</legend>
      {values.map((v, i) => (
        <div className="field__row" key={i}>
          <input
            aria-label={`${name} ${i + 1}`}
            value={v}
            placeholder={placeholder}
            onChange={(e) => set(i, e.target.value)}
          />
          <button
            type="button"
            className="button button--quiet"
            aria-label={`Remove ${name} ${i + 1}`}
            onClick={() => onChange(values.filter((_, j) => j !== i))}
          >
            ×
          </button>
        </div>
      ))}
      <button type="button" className="button button--small" onClick={() => onChange([...values, ""])}>
        Add {name}
      </button>
    </fieldset>
  );
}
