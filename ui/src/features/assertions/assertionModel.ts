import type { Assertion, Severity } from "../../api/types";
import type { JsonValue } from "../../bindings/serde_json/JsonValue";

/** What an assertion row checks: one of the shapes of `Assertion`, or `json` for an object the
 * rows cannot show (kept exactly as written). */
export type AssertionKind =
  | "status"
  | "error"
  | "claim"
  | "scope_subset_of"
  | "scope_subset_of_subject"
  | "aud_contains"
  | "sub_preserved"
  | "act_chain"
  | "act_depth"
  | "no_findings_at_or_above"
  | "round_trips"
  | "json";

export type ClaimOp = "equals" | "contains" | "matches" | "exists" | "absent";

/** One row of the editor, as the user typed it; `toAssertion` reads it. */
export type AssertionRow = {
  key: number;
  kind: AssertionKind;
  /** The claim's dotted path (`claim` rows). */
  claim: string;
  op: ClaimOp;
  /** The value as typed: a status, an error code, a claim value, a list, a depth, or JSON. */
  text: string;
  severity: Severity;
};

export const KINDS: ReadonlyArray<{ kind: AssertionKind; label: string }> = [
  { kind: "status", label: "HTTP status" },
  { kind: "error", label: "OAuth error" },
  { kind: "claim", label: "claim" },
  { kind: "scope_subset_of", label: "scope ⊆ list" },
  { kind: "scope_subset_of_subject", label: "scope ⊆ subject's" },
  { kind: "aud_contains", label: "aud contains" },
  { kind: "sub_preserved", label: "sub preserved" },
  { kind: "act_chain", label: "act chain" },
  { kind: "act_depth", label: "act depth" },
  { kind: "no_findings_at_or_above", label: "no findings ≥ severity" },
  { kind: "round_trips", label: "round trips" },
  { kind: "json", label: "other (JSON)" },
];

export const CLAIM_OPS: readonly ClaimOp[] = ["equals", "contains", "matches", "exists", "absent"];
export const SEVERITIES: readonly Severity[] = ["info", "warning", "error"];

let nextKey = 1;

export function newRow(kind: AssertionKind = "claim"): AssertionRow {
  return { key: nextKey++, kind, claim: "", op: "equals", text: kind === "status" ? "200" : "", severity: "warning" };
}

/** The row a kind switch leaves: the claim and value typed so far are kept. */
export function withKind(row: AssertionRow, kind: AssertionKind): AssertionRow {
  if (kind === row.kind) return row;
  const text = kind === "status" && row.text === "" ? "200" : kind === "json" ? JSON.stringify(toAssertion(row).assertion ?? {}) : row.text;
  return { ...row, kind, text };
}

/** A claim value as typed: JSON when it reads as JSON (`42`, `true`, `null`, `["a","b"]`,
 * `{"sub":"x"}`, `"quoted text"`), otherwise the text itself as a string. */
export function parseValue(text: string): JsonValue {
  const t = text.trim();
  if (t === "") return "";
  try {
    return JSON.parse(t) as JsonValue;
  } catch {
    return text;
  }
}

/** How `parseValue` read the text, in words, for the hint under a value. */
export function describeValue(text: string): string {
  const v = parseValue(text);
  if (v === null) return "Read as JSON null";
  if (Array.isArray(v)) return `Read as a JSON array of ${v.length}`;
  switch (typeof v) {
    case "number":
      return "Read as a number";
    case "boolean":
      return "Read as a boolean";
    case "object":
      return "Read as a JSON object";
    default:
      return text.trim().startsWith('"') ? "Read as text (quoted)" : "Read as text";
  }
}

/** A value as the user would type it back: a plain string as itself, unless it would be read as
 * something else (`"42"`), then quoted. */
export function formatValue(v: JsonValue | null | undefined): string {
  if (v === undefined || v === null) return v === null ? "null" : "";
  if (typeof v === "string") return typeof parseValue(v) === "string" && v.trim() === v ? v : JSON.stringify(v);
  return JSON.stringify(v);
}

const splitList = (text: string) => text.split(/[\s,]+/).filter((x) => x !== "");

const present = <T,>(v: T | null | undefined): v is T => v !== undefined && v !== null;

/** The keys of an assertion object that are set. */
function setKeys(a: Assertion): string[] {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k]) => k);
}

const same = (keys: string[], expected: string[]) => keys.length === expected.length && expected.every((k) => keys.includes(k));

/** The row that shows an assertion; one the rows cannot show becomes a `json` row. */
export function fromAssertion(a: Assertion): AssertionRow {
  const row = newRow("json");
  const keys = setKeys(a);
  const only = (k: string) => same(keys, [k]);
  if (only("status") && typeof a.status === "number") return { ...row, kind: "status", text: String(a.status) };
  if (only("error") && typeof a.error === "string") return { ...row, kind: "error", text: a.error };
  if (typeof a.claim === "string" && keys.length === 2) {
    const base = { ...row, kind: "claim" as const, claim: a.claim };
    if (present(a.equals)) return { ...base, op: "equals", text: formatValue(a.equals) };
    if (present(a.contains)) return { ...base, op: "contains", text: formatValue(a.contains) };
    if (typeof a.matches === "string") return { ...base, op: "matches", text: a.matches };
    if (typeof a.exists === "boolean") return { ...base, op: a.exists ? "exists" : "absent" };
  }
  if (only("scope_subset_of") && Array.isArray(a.scope_subset_of)) return { ...row, kind: "scope_subset_of", text: a.scope_subset_of.join(" ") };
  // `false` asserts nothing (the engine refuses it): such an object stays as written.
  if (only("scope_subset_of_subject") && a.scope_subset_of_subject === true) return { ...row, kind: "scope_subset_of_subject" };
  if (only("aud_contains") && typeof a.aud_contains === "string") return { ...row, kind: "aud_contains", text: a.aud_contains };
  if (only("sub_preserved") && a.sub_preserved === true) return { ...row, kind: "sub_preserved" };
  if (only("act_chain") && Array.isArray(a.act_chain)) return { ...row, kind: "act_chain", text: a.act_chain.join(", ") };
  if (only("act_depth") && typeof a.act_depth === "number") return { ...row, kind: "act_depth", text: String(a.act_depth) };
  if (only("round_trips") && typeof a.round_trips === "number") return { ...row, kind: "round_trips", text: String(a.round_trips) };
  if (only("no_findings_at_or_above") && a.no_findings_at_or_above) return { ...row, kind: "no_findings_at_or_above", severity: a.no_findings_at_or_above };
  return { ...row, text: JSON.stringify(a) };
}

function wholeNumber(text: string): number | null {
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : null;
}

/** The assertion a row stands for, or what is wrong with it. */
export function toAssertion(row: AssertionRow): { assertion: Assertion; problem?: undefined } | { assertion?: undefined; problem: string } {
  switch (row.kind) {
    case "status": {
      const n = wholeNumber(row.text);
      return n === null ? { problem: "the status must be a number, e.g. 200" } : { assertion: { status: n } };
    }
    case "error":
      return row.text.trim() ? { assertion: { error: row.text.trim() } } : { problem: "name the error code, e.g. invalid_scope" };
    case "claim": {
      const claim = row.claim.trim();
      if (!claim) return { problem: "name the claim, e.g. act.sub" };
      switch (row.op) {
        case "equals":
          return { assertion: { claim, equals: parseValue(row.text) } };
        case "contains":
          return { assertion: { claim, contains: parseValue(row.text) } };
        case "matches":
          return row.text ? { assertion: { claim, matches: row.text } } : { problem: "give a regular expression" };
        case "exists":
          return { assertion: { claim, exists: true } };
        case "absent":
          return { assertion: { claim, exists: false } };
      }
      break;
    }
    case "scope_subset_of":
      return { assertion: { scope_subset_of: splitList(row.text) } };
    case "scope_subset_of_subject":
      return { assertion: { scope_subset_of_subject: true } };
    case "aud_contains":
      return row.text.trim() ? { assertion: { aud_contains: row.text.trim() } } : { problem: "name the audience" };
    case "sub_preserved":
      return { assertion: { sub_preserved: true } };
    case "act_chain":
      return { assertion: { act_chain: splitList(row.text) } };
    case "act_depth": {
      const n = wholeNumber(row.text);
      return n === null ? { problem: "the depth must be a number, e.g. 2" } : { assertion: { act_depth: n } };
    }
    case "no_findings_at_or_above":
      return { assertion: { no_findings_at_or_above: row.severity } };
    case "round_trips": {
      const n = wholeNumber(row.text);
      return n === null ? { problem: "the round trips must be a number, e.g. 1" } : { assertion: { round_trips: n } };
    }
    case "json":
      break;
  }
  let value: unknown;
  try {
    value = JSON.parse(row.text);
  } catch (e) {
    return { problem: `not JSON: ${(e as Error).message}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { problem: "must be a JSON object, e.g. {\"status\": 200}" };
  return { assertion: value as Assertion };
}

/** What the editor holds: rows, or the raw JSON array for power users. */
export type AssertionsDraft = { mode: "rows"; rows: AssertionRow[] } | { mode: "json"; text: string };

export function draftOf(assertions: readonly Assertion[] | null | undefined): AssertionsDraft {
  return { mode: "rows", rows: (assertions ?? []).map(fromAssertion) };
}

export function formatAssertions(assertions: readonly Assertion[]): string {
  if (assertions.length === 0) return "[]";
  return `[\n${assertions.map((a) => `  ${JSON.stringify(a)}`).join(",\n")}\n]`;
}

/** Reads a JSON array of assertion objects, or says why it is not one. */
export function parseAssertionsJson(text: string): { assertions: Assertion[] } | { problem: string } {
  if (text.trim() === "") return { assertions: [] };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { problem: `assertions are not JSON: ${(e as Error).message}` };
  }
  if (!Array.isArray(value)) return { problem: 'assertions must be a JSON array, e.g. [{"status": 200}]' };
  const bad = value.findIndex((a) => typeof a !== "object" || a === null || Array.isArray(a));
  if (bad >= 0) return { problem: `assertion ${bad + 1} is not an object` };
  return { assertions: value as Assertion[] };
}

/** The draft's assertions as the step saves them, or the first problem (the engine checks the
 * rest when the collection is saved). */
export function assertionsOf(draft: AssertionsDraft): { assertions: Assertion[] } | { problem: string } {
  if (draft.mode === "json") return parseAssertionsJson(draft.text);
  const assertions: Assertion[] = [];
  for (const [i, row] of draft.rows.entries()) {
    const read = toAssertion(row);
    if (read.problem !== undefined) return { problem: `assertion ${i + 1}: ${read.problem}` };
    assertions.push(read.assertion);
  }
  return { assertions };
}

/** Whether the draft would save something other than `saved` (a draft that cannot be read has
 * changed too). */
export function assertionsChanged(draft: AssertionsDraft, saved: readonly Assertion[] | null | undefined): boolean {
  const read = assertionsOf(draft);
  return "problem" in read || JSON.stringify(read.assertions) !== JSON.stringify(saved ?? []);
}
