import { useId, useState } from "react";

import type { Assertion } from "../../api/types";

export function formatAssertions(assertions: readonly Assertion[] | undefined): string {
  const list = assertions ?? [];
  if (list.length === 0) return "[]";
  return `[\n${list.map((a) => `  ${JSON.stringify(a)}`).join(",\n")}\n]`;
}

/** Reads the editor's text: a JSON array of assertion objects, or why it is not one. The engine
 * checks each assertion's meaning when the collection is saved. */
export function parseAssertions(text: string): { assertions: Assertion[] } | { problem: string } {
  if (text.trim() === "") return { assertions: [] };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { problem: `assertions are not JSON: ${(e as Error).message}` };
  }
  if (!Array.isArray(value)) return { problem: "assertions must be a JSON array, e.g. [{\"status\": 200}]" };
  const bad = value.findIndex((a) => typeof a !== "object" || a === null || Array.isArray(a));
  if (bad >= 0) return { problem: `assertion ${bad + 1} is not an object` };
  return { assertions: value as Assertion[] };
}

/** The step's assertions, one JSON object a line, as in a collection file. */
export function AssertionsEditor({ text, onChange }: { text: string; onChange: (text: string) => void }) {
  const id = useId();
  const [help, setHelp] = useState(false);
  return (
    <div className="field">
      <div className="field__label-row">
        <label htmlFor={id}>assert</label>
        <button type="button" className="button button--link" aria-expanded={help} onClick={() => setHelp(!help)}>
          examples
        </button>
      </div>
      {help ? (
        <pre className="help mono">
          {`{"status": 200}   {"error": "invalid_scope"}   {"sub_preserved": true}
{"claim": "act.sub", "equals": "order-service"}   {"aud_contains": "payments-api"}
{"act_chain": ["payment-agent", "flight-agent"]}   {"act_depth": 2}
{"scope_subset_of_subject": true}   {"no_findings_at_or_above": "warning"}`}
        </pre>
      ) : null}
      <textarea id={id} className="mono" rows={5} spellCheck={false} value={text} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}
