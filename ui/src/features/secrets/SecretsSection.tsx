import { useCallback, useEffect, useId, useState, type FormEvent } from "react";

import { toIpcError } from "../../api/ipc";
import { deleteSecret, listSecrets, setSecret } from "../../api/secrets";
import type { IpcError, SecretLocation, SecretsView } from "../../api/types";
import { useUnsavedGuard } from "../../app/unsavedChanges";
import { ErrorBanner } from "../../shared/ErrorBanner";
import { useToast } from "../../shared/Toast";

const WHERE: Record<SecretLocation, string> = { keyring: "OS keyring", store: "Baton's store" };

/** The secrets `{{secret.NAME}}` refers to: their names and where each is kept, a form to set
 * one, and delete. A value is sent once and never shown again. */
export function SecretsSection() {
  const toast = useToast();
  const [view, setView] = useState<SecretsView | null>(null);
  const [error, setError] = useState<IpcError | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);

  const attempt = useCallback(async (work: () => Promise<SecretsView>) => {
    try {
      setView(await work());
      setError(null);
      return true;
    } catch (e) {
      setError(toIpcError(e));
      return false;
    }
  }, []);

  useEffect(() => {
    void attempt(listSecrets);
  }, [attempt]);

  const remove = async (name: string) => {
    setConfirming(null);
    if (await attempt(() => deleteSecret(name))) toast.show(`Deleted secret “${name}”`);
  };

  return (
    <section className="secrets" aria-labelledby="secrets-heading">
      <h2 id="secrets-heading">Secrets</h2>
      <p className="muted secrets__hint">
        Write <code>{"{{secret.NAME}}"}</code> in a client or a step where a secret belongs: the run looks it up when it sends
        the request and masks it in what it records.
      </p>
      {view && !view.keyring.available ? (
        <p className="notice notice--warn" role="note">
          No OS keyring is available{view.keyring.problem ? ` (${view.keyring.problem})` : ""}: secrets are kept in Baton's
          store on this machine, unencrypted. They are never written to exported collection files.
        </p>
      ) : null}
      {error ? <ErrorBanner error={error} onDismiss={() => setError(null)} /> : null}
      {view === null ? (
        error ? null : <p className="muted">Loading secrets…</p>
      ) : view.secrets.length === 0 ? (
        <p className="muted">No secrets yet.</p>
      ) : (
        <table className="secrets__table" aria-label="Secrets">
          <thead>
            <tr>
              <th>name</th>
              <th>stored in</th>
              <th>
                <span className="visually-hidden">actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {view.secrets.map((s) => (
              <tr key={s.name}>
                <td className="mono">{s.name}</td>
                <td>{WHERE[s.stored_in]}</td>
                <td className="secrets__actions">
                  {confirming === s.name ? (
                    <span role="group" aria-label={`Delete secret ${s.name}?`}>
                      Delete for good?{" "}
                      <button type="button" className="button button--small button--danger" onClick={() => void remove(s.name)}>
                        Delete
                      </button>{" "}
                      <button type="button" className="button button--small" onClick={() => setConfirming(null)} autoFocus>
                        Keep
                      </button>
                    </span>
                  ) : (
                    <button
                      type="button"
                      className="button button--small button--quiet"
                      aria-label={`Delete secret ${s.name}`}
                      onClick={() => setConfirming(s.name)}
                    >
                      Delete
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <SecretForm
        onSet={async (name, value) => {
          const ok = await attempt(() => setSecret(name, value));
          if (ok) toast.show(`Saved secret “${name}”`);
          return ok;
        }}
      />
    </section>
  );
}

/** Sets a secret: a name and a value that is never shown, and cleared once saved. */
function SecretForm({ onSet }: { onSet: (name: string, value: string) => Promise<boolean> }) {
  const [name, setName] = useState("");
  const [value, setValue] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const nameId = useId();
  const valueId = useId();
  useUnsavedGuard(value !== "", "a secret not saved yet");

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) {
      setProblem("The secret needs a name: the NAME of {{secret.NAME}}.");
      return;
    }
    if (!value) {
      setProblem("Enter the secret's value.");
      return;
    }
    setProblem(null);
    setSaving(true);
    try {
      if (await onSet(trimmed, value)) {
        setName("");
        setValue("");
      }
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="secrets__form" aria-label="Set a secret" onSubmit={(e) => void submit(e)} noValidate>
      <div className="field">
        <label htmlFor={nameId}>name</label>
        <input id={nameId} className="mono" value={name} autoComplete="off" spellCheck={false} onChange={(e) => setName(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={valueId}>value</label>
        <input id={valueId} type="password" value={value} autoComplete="new-password" onChange={(e) => setValue(e.target.value)} />
      </div>
      <button type="submit" className="button button--primary" disabled={saving}>
        {saving ? "Saving…" : "Set secret"}
      </button>
      {problem ? (
        <p className="form-problems" role="alert">
          {problem}
        </p>
      ) : null}
    </form>
  );
}
