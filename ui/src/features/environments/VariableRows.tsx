import type { VariableRow } from "./environmentEdits";

/** An environment's variables as name/value rows, each removable. */
export function VariableRows({ rows, onChange }: { rows: VariableRow[]; onChange: (rows: VariableRow[]) => void }) {
  const update = (key: number, patch: Partial<VariableRow>) => onChange(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  if (rows.length === 0) return <p className="muted">No variables yet.</p>;
  return (
    <table className="variables">
      <thead>
        <tr>
          <th>name</th>
          <th>value</th>
          <th>
            <span className="visually-hidden">remove</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => (
          <tr key={row.key}>
            <td>
              <input
                className="mono"
                aria-label={`Variable ${i + 1} name`}
                value={row.name}
                placeholder="name"
                onChange={(e) => update(row.key, { name: e.target.value })}
              />
            </td>
            <td>
              <input
                className="mono"
                aria-label={`Variable ${i + 1} value`}
                value={row.value}
                placeholder="value"
                onChange={(e) => update(row.key, { value: e.target.value })}
              />
            </td>
            <td>
              <button
                type="button"
                className="button button--quiet"
                aria-label={`Remove variable ${i + 1}${row.name ? ` (${row.name})` : ""}`}
                onClick={() => onChange(rows.filter((r) => r.key !== row.key))}
              >
                ×
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
