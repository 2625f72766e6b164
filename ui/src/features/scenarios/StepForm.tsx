import { useId, useState, type FormEvent } from "react";

import type { Collection, Step, StepKind } from "../../api/types";
import { useUnsavedGuard } from "../../app/unsavedChanges";
import { ExchangeFields, InspectFields, IntrospectFields, LabFields, TokenFields } from "./ActionFields";
import { AssertionEditor } from "../assertions/AssertionEditor";
import { assertionsChanged, assertionsOf, draftOf } from "../assertions/assertionModel";
import { TextField } from "./TextField";
import { CallsFields, repeatProblems } from "./CallsFields";
import { STEP_KINDS, cleanStep, defaultAction, missingFields, sendsTokenRequest, stepKind } from "./stepModel";

type Props = {
  collection: Collection;
  /** The step as saved, or a new one not saved yet. */
  initial: Step;
  /** The steps before this one: their outputs are what it may refer to. */
  earlier: readonly Step[];
  isNew: boolean;
  onSave: (step: Step) => Promise<boolean>;
  onDelete: () => void;
  onCancel: () => void;
  /** The last saved run that has this step: its assertions are checked against it as they are edited. */
  runId?: number | null;
};

/** Edits one step and saves exactly the Step JSON the engine reads. */
export function StepForm({ collection, initial, earlier, isNew, onSave, onDelete, onCancel, runId = null }: Props) {
  const [draft, setDraft] = useState<Step>(initial);
  const [asserts, setAsserts] = useState(() => draftOf(initial.assert));
  const [problems, setProblems] = useState<string[]>([]);
  const [saving, setSaving] = useState(false);
  const kindId = useId();
  const dirty = JSON.stringify(draft) !== JSON.stringify(initial) || assertionsChanged(asserts, initial.assert);
  useUnsavedGuard(dirty, isNew ? "a new step" : `the step “${initial.id}”`);
  const kind = stepKind(draft);
  const ctx = { collection, earlier };

  const switchKind = (next: StepKind) => {
    if (next === kind) return;
    const client =
      draft.token?.client ?? draft.exchange?.client ?? draft.introspect?.client ?? collection.clients?.[0]?.id ?? "";
    const { token: _t, exchange: _e, introspect: _i, inspect: _s, lab: _l, ...rest } = draft;
    setDraft({ ...rest, ...defaultAction(next, client) });
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = assertionsOf(asserts);
    const found: string[] = [];
    if ("problem" in parsed) found.push(parsed.problem);
    const missing = missingFields(draft);
    if (missing.length > 0) found.push(`fill in: ${missing.join(", ")}`);
    if (earlier.some((s) => s.id === draft.id.trim())) found.push(`an earlier step already has the id “${draft.id.trim()}”`);
    const sends = sendsTokenRequest(draft);
    if (sends) found.push(...repeatProblems(draft));
    setProblems(found);
    if (found.length > 0 || "problem" in parsed) return;
    setSaving(true);
    try {
      // Cache and repeat apply only to a step that sends a token request of its own.
      const calls = sends ? {} : { cache: undefined, cache_margin_secs: undefined, repeat: undefined };
      await onSave(cleanStep({ ...draft, ...calls, assert: parsed.assertions }));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="step-form" aria-label={`Edit step ${initial.id}`} onSubmit={submit} noValidate>
      <div className="field-grid">
        <TextField name="id" required mono value={draft.id} onChange={(v) => setDraft({ ...draft, id: v })} />
        <TextField name="name" required value={draft.name} onChange={(v) => setDraft({ ...draft, name: v })} />
      </div>
      <TextField name="notes" multiline value={draft.notes ?? ""} onChange={(v) => setDraft({ ...draft, notes: v })} />
      <div className="field">
        <label htmlFor={kindId}>action</label>
        <select id={kindId} value={kind ?? ""} onChange={(e) => switchKind(e.target.value as StepKind)}>
          {STEP_KINDS.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      </div>
      {draft.exchange ? <ExchangeFields {...ctx} value={draft.exchange} onChange={(exchange) => setDraft({ ...draft, exchange })} /> : null}
      {draft.token ? <TokenFields {...ctx} value={draft.token} onChange={(token) => setDraft({ ...draft, token })} /> : null}
      {draft.introspect ? (
        <IntrospectFields {...ctx} value={draft.introspect} onChange={(introspect) => setDraft({ ...draft, introspect })} />
      ) : null}
      {draft.inspect ? <InspectFields {...ctx} value={draft.inspect} onChange={(inspect) => setDraft({ ...draft, inspect })} /> : null}
      {draft.lab ? <LabFields value={draft.lab} onChange={(lab) => setDraft({ ...draft, lab })} /> : null}
      {sendsTokenRequest(draft) ? <CallsFields step={draft} onChange={setDraft} /> : null}
      <AssertionEditor draft={asserts} onChange={setAsserts} runId={runId} stepId={initial.id} />
      {problems.length > 0 ? (
        <ul className="form-problems" role="alert">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button button--primary" disabled={saving}>
          {isNew ? "Add step" : "Save step"}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {isNew ? "Discard" : "Revert"}
        </button>
        <span className="toolbar__spacer" />
        {isNew ? null : (
          <button type="button" className="button button--danger" onClick={onDelete}>
            Delete step
          </button>
        )}
      </div>
    </form>
  );
}
