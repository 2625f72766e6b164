import { useCallback, useEffect, useId, useRef, useState } from "react";

import { toIpcError } from "../../api/ipc";
import { applyLabPolicy, labStatus, resetLabPolicy } from "../../api/lab";
import type { IpcError, LabView } from "../../api/types";
import { useUnsavedGuard } from "../../app/unsavedChanges";
import { ErrorBanner } from "../../shared/ErrorBanner";
import { LabFaults } from "./LabFaults";
import { LabClients, LabUsers } from "./LabPrincipals";
import { PolicyEditor, type PolicyEditorHandle } from "./PolicyEditor";
import { RecentRequests } from "./RecentRequests";
import { useLabRequests } from "./useLabRequests";

const IS_MAC = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
const SAVE_SHORTCUT = IS_MAC ? "⌘S" : "Ctrl+S";

/** An edit not applied yet, kept while the panel is closed (a trainer goes to run a scenario and
 * comes back), for as long as the lab runs the policy it was made from. */
let unapplied: { base: string; text: string } | null = null;

/** A policy mistake as the lab reported it: its message and the 1-based line, when known. */
type PolicyProblem = { message: string; line: number | null };

/** The security checks the policy switches off: each an attack the lab now lets through. */
function LabVulnerabilities({ lab }: { lab: LabView }) {
  if (lab.vulnerable.length === 0) return null;
  return (
    <div className="lab__vulnerable" role="status" aria-label="Checks switched off">
      <p className="lab__vulnerable-head">
        The policy switches off {lab.vulnerable.length === 1 ? "a security check" : `${lab.vulnerable.length} security checks`} on purpose: the probes
        that exercise {lab.vulnerable.length === 1 ? "it" : "them"} fail against this lab.
      </p>
      <ul>
        {lab.vulnerable.map((c) => (
          <li key={c.name} data-testid="lab-vulnerable" title={`When on: ${c.description}`}>
            vulnerable: <code>{c.name}</code> — {c.risk}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Where the lab runs and what its policy allows. */
function LabSummary({ lab }: { lab: LabView }) {
  return (
    <dl className="endpoints lab__summary">
      <dt>URL</dt>
      <dd className="mono">{lab.base_url}</dd>
      <dt>issuer</dt>
      <dd className="mono">{lab.issuer}</dd>
      <dt>policy</dt>
      <dd>
        {lab.is_default ? (
          <span className="lab-badge">built-in</span>
        ) : (
          <span className="lab-badge lab-badge--edited">edited</span>
        )}{" "}
        <span className="muted">running since {new Date(lab.restarted_at).toLocaleTimeString()}</span>
      </dd>
      {lab.audiences.length > 0 ? (
        <>
          <dt>audiences</dt>
          <dd className="mono">{lab.audiences.join(" ")}</dd>
        </>
      ) : null}
    </dl>
  );
}

/** The lab token service for trainers: where it runs, who it knows, its policy to edit and
 * restart with, and the requests it has answered lately. `onApplied` runs after each restart
 * (the workspace keeps the lab's summary). */
export function LabPanel({ onApplied }: { onApplied?: () => void }) {
  const [lab, setLab] = useState<LabView | null>(null);
  const [draft, setDraft] = useState("");
  const [problem, setProblem] = useState<PolicyProblem | null>(null);
  const [error, setError] = useState<IpcError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmingReset, setConfirmingReset] = useState(false);
  const editor = useRef<PolicyEditorHandle>(null);
  const problemId = useId();
  const log = useLabRequests();

  const show = useCallback((view: LabView) => {
    setLab(view);
    setDraft(view.policy_toml);
    setProblem(null);
  }, []);

  useEffect(() => {
    let stale = false;
    labStatus()
      .then((view) => {
        if (stale) return;
        show(view);
        if (unapplied?.base === view.policy_toml) setDraft(unapplied.text);
      })
      .catch((e) => !stale && setError(toIpcError(e)));
    return () => {
      stale = true;
    };
  }, [show]);

  const edited = lab !== null && draft !== lab.policy_toml;
  useUnsavedGuard(edited, "the lab policy");
  useEffect(() => {
    if (lab) unapplied = edited ? { base: lab.policy_toml, text: draft } : null;
  }, [lab, draft, edited]);

  // A mistake's line is brought into view, the caret left where the user was typing.
  useEffect(() => {
    if (problem?.line) editor.current?.revealLine(problem.line);
  }, [problem]);

  const restartWith = async (work: () => Promise<LabView>, done: string) => {
    setBusy(true);
    setNotice(null);
    setError(null);
    try {
      show(await work());
      setNotice(done);
      onApplied?.();
      void log.refresh();
    } catch (e) {
      const err = toIpcError(e);
      if (err.code === "invalid_input") setProblem({ message: err.message, line: err.line });
      else setError(err);
    } finally {
      setBusy(false);
    }
  };

  const apply = () => {
    if (busy || !lab) return;
    void restartWith(() => applyLabPolicy(draft), "Restarted with the new policy");
  };

  const reset = () => {
    setConfirmingReset(false);
    if (busy) return;
    void restartWith(resetLabPolicy, "Restarted with the built-in policy");
  };

  const revert = () => {
    if (!lab) return;
    setDraft(lab.policy_toml);
    setProblem(null);
  };

  return (
    <div className="lab" aria-labelledby="lab-heading" role="region">
      <h1 id="lab-heading">Lab token service</h1>
      {error ? <ErrorBanner error={error} onDismiss={() => setError(null)} /> : null}
      {lab === null ? (
        error ? null : <p className="muted">Loading…</p>
      ) : (
        <>
          <LabSummary lab={lab} />
          <LabVulnerabilities lab={lab} />
          <LabFaults
            lab={lab}
            onChanged={(view) => {
              setLab(view);
              void log.refresh();
            }}
          />
          <section aria-labelledby="lab-policy-heading" className="lab__policy">
            <div className="lab__policy-head">
              <h2 id="lab-policy-heading">
                Policy{edited ? <span className="lab__edited" title="Edited, not applied yet" aria-label="edited, not applied"> ●</span> : null}
              </h2>
              <span className="toolbar__spacer" />
              <button
                type="button"
                className="button button--primary"
                data-testid="lab-apply"
                disabled={busy}
                onClick={apply}
                title={`Apply the policy and restart the lab on the same port (${SAVE_SHORTCUT})`}
                aria-keyshortcuts="Control+S Meta+S"
              >
                {busy ? "Restarting…" : "Apply and restart"}
              </button>
              <button type="button" className="button" disabled={busy || !edited} onClick={revert} data-testid="lab-revert">
                Revert
              </button>
              {confirmingReset ? (
                <span role="group" aria-label="Reset to the built-in policy?" className="lab__confirm">
                  Restart with the built-in policy? Edits are lost.{" "}
                  <button type="button" className="button button--danger" onClick={reset} data-testid="lab-reset-confirm">
                    Reset and restart
                  </button>{" "}
                  <button type="button" className="button" onClick={() => setConfirmingReset(false)} autoFocus>
                    Keep
                  </button>
                </span>
              ) : (
                <button
                  type="button"
                  className="button"
                  disabled={busy || lab.is_default}
                  onClick={() => setConfirmingReset(true)}
                  data-testid="lab-reset"
                >
                  Reset to built-in
                </button>
              )}
            </div>
            <p className="muted lab__hint">
              Edit the TOML and apply it ({SAVE_SHORTCUT}): e.g. set <code>may_delegate = false</code> on{" "}
              <code>travel-assistant</code> and run scenario 5 to see its exchange refused. The lab restarts on the same
              port.
            </p>
            {notice && !problem ? (
              <p role="status" className="lab__notice">
                {notice}
              </p>
            ) : null}
            {problem ? (
              <div id={problemId} className="lab__problem" role="alert" data-testid="lab-policy-error" data-line={problem.line ?? undefined}>
                {problem.line !== null && !problem.message.toLowerCase().includes(`line ${problem.line}`) ? (
                  <strong>Line {problem.line}: </strong>
                ) : null}
                {problem.message}
                <p className="lab__problem-note">Not applied: the running service keeps its old policy.</p>
                {problem.line !== null ? (
                  <button type="button" className="button button--link" onClick={() => editor.current?.goToLine(problem.line!)}>
                    Go to line {problem.line}
                  </button>
                ) : null}
              </div>
            ) : null}
            <PolicyEditor
              ref={editor}
              label="Lab policy (TOML)"
              value={draft}
              errorLine={problem?.line ?? null}
              describedBy={problem ? problemId : undefined}
              onChange={(v) => {
                setDraft(v);
                setNotice(null);
              }}
              onSave={apply}
            />
          </section>
          <RecentRequests requests={log.requests} error={log.error} />
          <LabClients clients={lab.clients} />
          <LabUsers users={lab.users} />
        </>
      )}
    </div>
  );
}
