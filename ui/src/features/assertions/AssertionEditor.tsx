import { useId, useMemo, useState } from "react";

import type { AssertionOutcome, Assertion } from "../../api/types";
import { AssertionFields, ERROR_CODES } from "./AssertionFields";
import {
  KINDS,
  assertionsOf,
  draftOf,
  formatAssertions,
  newRow,
  parseAssertionsJson,
  toAssertion,
  withKind,
  type AssertionKind,
  type AssertionRow,
  type AssertionsDraft,
} from "./assertionModel";
import { useAssertionPreview } from "./useAssertionPreview";

type Result = { passed: boolean; message: string } | null;

function Verdict({ result, pending }: { result: Result; pending: boolean }) {
  if (!result) return pending ? <span className="assertion-verdict muted">checking…</span> : null;
  return (
    <span className={`assertion-verdict assertion-verdict--${result.passed ? "pass" : "fail"}`}>
      <span aria-hidden="true">{result.passed ? "✓" : "✗"}</span> {result.passed ? "passes" : "fails"}: {result.message}
    </span>
  );
}

function RowEditor({
  row,
  index,
  count,
  result,
  problem,
  pending,
  lists,
  claims,
  focusOnMount,
  onChange,
  onMove,
  onRemove,
}: {
  row: AssertionRow;
  index: number;
  count: number;
  result: Result;
  problem: string | undefined;
  pending: boolean;
  lists: { claims: string; errors: string };
  claims: Parameters<typeof AssertionFields>[0]["claims"];
  /** A row just added takes the focus, so the keyboard can go on from its kind. */
  focusOnMount: boolean;
  onChange: (row: AssertionRow) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}) {
  const name = `Assertion ${index + 1}`;
  const state = problem ? "problem" : result ? (result.passed ? "pass" : "fail") : "unchecked";
  return (
    <li className={`assertion-row assertion-row--${state}`} data-testid="assertion-row" data-result={state} aria-label={name}>
      <div className="assertion-row__head">
        <span className="assertion-row__index" aria-hidden="true">
          {index + 1}
        </span>
        <select aria-label={`${name} kind`} autoFocus={focusOnMount} value={row.kind} onChange={(e) => onChange(withKind(row, e.target.value as AssertionKind))}>
          {KINDS.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.label}
            </option>
          ))}
        </select>
        <span className="toolbar__spacer" />
        <button type="button" className="button button--quiet" aria-label={`Move ${name.toLowerCase()} up`} disabled={index === 0} onClick={() => onMove(-1)}>
          ↑
        </button>
        <button type="button" className="button button--quiet" aria-label={`Move ${name.toLowerCase()} down`} disabled={index === count - 1} onClick={() => onMove(1)}>
          ↓
        </button>
        <button type="button" className="button button--quiet" aria-label={`Remove ${name.toLowerCase()}`} onClick={onRemove}>
          ×
        </button>
      </div>
      <div className="assertion-fields">
        <AssertionFields row={row} name={name} claims={claims} claimListId={lists.claims} errorListId={lists.errors} onChange={onChange} />
      </div>
      <p className="assertion-row__result" data-testid="assertion-result">
        {problem ? <span className="assertion-verdict assertion-verdict--problem">{problem}</span> : <Verdict result={result} pending={pending} />}
      </p>
    </li>
  );
}

/** Pairs the outcomes of a preview with what was sent: a run checks an implicit "must succeed"
 * first when no status or error is asserted. */
function splitOutcomes(outcomes: readonly AssertionOutcome[], sent: number): { implicit: AssertionOutcome | null; own: readonly AssertionOutcome[] } {
  if (outcomes.length === sent + 1) return { implicit: outcomes[0] ?? null, own: outcomes.slice(1) };
  return { implicit: null, own: outcomes };
}

/** The step's assertions, one row each (kind, fields, live pass or fail against the last run),
 * or as a raw JSON array. */
export function AssertionEditor({
  draft,
  onChange,
  runId,
  stepId,
}: {
  draft: AssertionsDraft;
  onChange: (draft: AssertionsDraft) => void;
  /** The last run that has this step, if any: the rows are checked against it as they change. */
  runId: number | null;
  stepId: string;
}) {
  const base = useId();
  const lists = { claims: `${base}-claims`, errors: `${base}-errors` };
  const [switchProblem, setSwitchProblem] = useState<string | null>(null);
  const [added, setAdded] = useState<number | null>(null);

  // What can be checked now: the rows that read as assertions (the others show their problem).
  const reads = useMemo(() => (draft.mode === "rows" ? draft.rows.map(toAssertion) : []), [draft]);
  const sent = useMemo((): Assertion[] => {
    if (draft.mode === "rows") return reads.flatMap((r) => (r.assertion ? [r.assertion] : []));
    const parsed = parseAssertionsJson(draft.text);
    return "assertions" in parsed ? parsed.assertions : [];
  }, [draft, reads]);
  const preview = useAssertionPreview(runId, stepId, sent);
  const claims = preview.preview?.claims ?? [];
  const { implicit, own } = preview.current && preview.preview ? splitOutcomes(preview.preview.outcomes, sent.length) : { implicit: null, own: [] };
  const notChecked = preview.current && preview.preview !== null && sent.length > 0 && preview.preview.outcomes.length === 0;
  const pending = runId !== null && !preview.current;

  const setRows = (rows: AssertionRow[]) => onChange({ mode: "rows", rows });
  const rows = draft.mode === "rows" ? draft.rows : [];

  const toJson = () => {
    const read = assertionsOf(draft);
    if ("problem" in read) return setSwitchProblem(`Fix it first: ${read.problem}`);
    setSwitchProblem(null);
    onChange({ mode: "json", text: formatAssertions(read.assertions) });
  };
  const toRows = () => {
    const read = assertionsOf(draft);
    if ("problem" in read) return setSwitchProblem(read.problem);
    setSwitchProblem(null);
    onChange(draftOf(read.assertions));
  };

  let sentIndex = 0;
  const passedCount = own.filter((o) => o.passed).length + (implicit?.passed ? 1 : 0);
  const total = own.length + (implicit ? 1 : 0);

  return (
    <fieldset className="field assertions-editor" aria-label="Assertions">
      <div className="field__label-row">
        <span className="assertions-editor__label">assertions</span>
        <span className="toolbar__spacer" />
        <button type="button" className="button button--link" onClick={draft.mode === "rows" ? toJson : toRows}>
          {draft.mode === "rows" ? "Edit as JSON" : "Edit as rows"}
        </button>
      </div>
      {switchProblem ? (
        <p className="assertion-verdict assertion-verdict--problem" role="alert">
          {switchProblem}
        </p>
      ) : null}
      <p className="assertions-editor__status muted" role="status" data-testid="assertions-status">
        {runId === null
          ? "Run the scenario to see whether these pass."
          : notChecked
            ? "This step did not complete in the last run (it errored or was skipped), so nothing is checked."
            : preview.error
              ? `Could not check against the last run: ${preview.error.message}`
              : preview.current && total > 0
                ? `Against the last run: ${passedCount} of ${total} pass.`
                : pending
                  ? "Checking against the last run…"
                  : ""}
      </p>
      {implicit ? (
        <p className={`assertion-implicit assertion-row--${implicit.passed ? "pass" : "fail"}`} data-testid="assertion-implicit">
          <span className="muted">implicit: must succeed</span> <Verdict result={implicit} pending={false} />
        </p>
      ) : null}
      {draft.mode === "json" ? (
        <>
          <textarea
            aria-label="assert (JSON array)"
            className="mono"
            rows={Math.min(12, Math.max(4, draft.text.split("\n").length + 1))}
            spellCheck={false}
            value={draft.text}
            onChange={(e) => onChange({ mode: "json", text: e.target.value })}
          />
          {own.length > 0 ? (
            <ol className="assertion-json-results">
              {own.map((o, i) => (
                <li key={i}>
                  <Verdict result={o} pending={false} />
                </li>
              ))}
            </ol>
          ) : null}
        </>
      ) : (
        <>
          {rows.length === 0 ? <p className="muted assertions-editor__none">No assertions: the step only has to succeed.</p> : null}
          <ol className="assertion-rows">
            {rows.map((row, i) => {
              const read = reads[i];
              const result = read?.assertion ? (own[sentIndex++] ?? null) : null;
              return (
                <RowEditor
                  key={row.key}
                  row={row}
                  index={i}
                  count={rows.length}
                  result={result}
                  problem={read?.problem}
                  pending={pending}
                  lists={lists}
                  claims={claims}
                  focusOnMount={row.key === added}
                  onChange={(next) => setRows(rows.map((r) => (r.key === row.key ? next : r)))}
                  onMove={(by) => {
                    const next = [...rows];
                    const [moved] = next.splice(i, 1);
                    next.splice(i + by, 0, moved!);
                    setRows(next);
                  }}
                  onRemove={() => setRows(rows.filter((r) => r.key !== row.key))}
                />
              );
            })}
          </ol>
          <button
            type="button"
            className="button button--small assertions-editor__add"
            onClick={() => {
              const row = newRow();
              setAdded(row.key);
              setRows([...rows, row]);
            }}
          >
            Add assertion
          </button>
        </>
      )}
      <datalist id={lists.claims}>
        {claims.map((c) => (
          <option key={c.path} value={c.path} label={`${c.path} = ${JSON.stringify(c.value)}`} />
        ))}
      </datalist>
      <datalist id={lists.errors}>
        {ERROR_CODES.map((c) => (
          <option key={c} value={c} />
        ))}
      </datalist>
    </fieldset>
  );
}
