import { useState } from "react";

type Row = { name: string; value: string };

/** Further form parameters, name and value, sent after the standard ones. */
export function ParamsEditor({
  params,
  onChange,
}: {
  params: Record<string, string> | undefined;
  onChange: (params: Record<string, string>) => void;
}) {
  const [rows, setRows] = useState<Row[]>(() => Object.entries(params ?? {}).map(([name, value]) => ({ name, value })));
  const update = (next: Row[]) => {
    setRows(next);
    const out: Record<string, string> = {};
    for (const row of next) if (row.name.trim()) out[row.name.trim()] = row.value;
    onChange(out);
  };
  return (
    <fieldset className="field params-editor">
      <legend>Extra parameters</legend>
      {rows.map((row, i) => (
        <div className="field__row" key={i}>
          <input
            aria-label={`Parameter ${i + 1} name`}
            className="mono"
            placeholder="name"
            value={row.name}
            onChange={(e) => update(rows.map((r, j) => (j === i ? { ...r, name: e.target.value } : r)))}
          />
          <input
            aria-label={`Parameter ${i + 1} value`}
            className="mono"
            placeholder="value"
            value={row.value}
            onChange={(e) => update(rows.map((r, j) => (j === i ? { ...r, value: e.target.value } : r)))}
          />
          <button
            type="button"
            className="button button--quiet"
            aria-label={`Remove parameter ${i + 1}`}
            onClick={() => update(rows.filter((_, j) => j !== i))}
          >
            ×
          </button>
        </div>
      ))}
      <button type="button" className="button button--small" onClick={() => setRows([...rows, { name: "", value: "" }])}>
        Add parameter
      </button>
    </fieldset>
  );
}
