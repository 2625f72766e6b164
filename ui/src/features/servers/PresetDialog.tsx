import "./presets.css";

import { useEffect, useId, useState, type FormEvent } from "react";

import { toIpcError } from "../../api/ipc";
import { fillPreset, listPresets } from "../../api/presets";
import type { Collection, FilledPreset, IpcError, PresetInfo } from "../../api/types";
import { Dialog } from "../../shared/Dialog";
import { ErrorBanner } from "../../shared/ErrorBanner";

/** A unique server id from `base`: `keycloak`, then `keycloak-2`, … */
function freeId(base: string, taken: Set<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; n < 1000; n += 1) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
  return `${base}-new`;
}

/** "New server from a preset…": choose a provider, give its parameters, see the endpoints they
 * make, and add the server to the collection. */
export function PresetDialog({
  collection,
  onSaveCollection,
  onClose,
}: {
  collection: Collection | null;
  onSaveCollection?: (collection: Collection) => Promise<boolean>;
  onClose: () => void;
}) {
  const ids = useId();
  const [presets, setPresets] = useState<PresetInfo[] | null>(null);
  const [chosen, setChosen] = useState("");
  const [params, setParams] = useState<Record<string, string>>({});
  const [filled, setFilled] = useState<FilledPreset | null>(null);
  const [error, setError] = useState<IpcError | null>(null);
  const [serverId, setServerId] = useState("");
  const [added, setAdded] = useState<string | null>(null);

  useEffect(() => {
    let gone = false;
    listPresets().then(
      (list) => {
        if (gone) return;
        setPresets(list);
        if (list[0]) setChosen(list[0].id);
      },
      (e) => !gone && setError(toIpcError(e)),
    );
    return () => {
      gone = true;
    };
  }, []);

  const preset = presets?.find((p) => p.id === chosen) ?? null;
  const taken = new Set((collection?.servers ?? []).map((s) => s.id));

  const choose = (id: string) => {
    setChosen(id);
    setParams({});
    setFilled(null);
    setError(null);
    setAdded(null);
  };

  const fill = async (e: FormEvent) => {
    e.preventDefault();
    if (!preset) return;
    setError(null);
    setAdded(null);
    try {
      const result = await fillPreset(preset.id, params);
      setFilled(result);
      setServerId(freeId(preset.id, taken));
    } catch (err) {
      setFilled(null);
      setError(toIpcError(err));
    }
  };

  const add = async () => {
    if (!filled || !collection || !onSaveCollection) return;
    const server = { ...filled.server, id: serverId.trim() };
    if (await onSaveCollection({ ...collection, servers: [...(collection.servers ?? []), server] })) setAdded(server.id);
  };

  const fieldError = (name: string) => (error?.field === name ? error : null);
  const generalError = error && !(error.field && preset?.parameters.some((p) => p.name === error.field)) ? error : null;
  const rules = preset?.rules;
  const notes = [rules?.grant_note, rules?.auth_note, rules?.actor_note].filter((n): n is string => !!n);

  return (
    <Dialog label="New server from a preset" onClose={onClose} className="preset-dialog">
      <h2>New server from a preset</h2>
      {presets === null && !error ? <p className="muted">Loading the providers…</p> : null}
      {presets ? (
        <form onSubmit={(e) => void fill(e)} noValidate>
          <div className="preset-dialog__field">
            <label htmlFor={`${ids}-preset`}>Provider</label>
            <select id={`${ids}-preset`} value={chosen} onChange={(e) => choose(e.target.value)} data-autofocus>
              {presets.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
          {preset ? (
            <>
              <p className="preset-dialog__description">{preset.description}</p>
              <p className={preset.verified ? "preset-dialog__verified preset-dialog__verified--yes" : "preset-dialog__verified"}>
                {preset.verified ? "Checked against the real service." : "From the provider's documentation; not checked against the real service."}
              </p>
              {preset.parameters.map((p) => {
                const bad = fieldError(p.name);
                const id = `${ids}-${p.name}`;
                return (
                  <div key={p.name} className={bad ? "preset-dialog__field preset-dialog__field--bad" : "preset-dialog__field"}>
                    <label htmlFor={id}>
                      <span className="mono">{p.name}</span> <span className="muted">— {p.description}</span>
                    </label>
                    <input
                      id={id}
                      className="mono"
                      value={params[p.name] ?? ""}
                      placeholder={p.example}
                      aria-invalid={bad ? true : undefined}
                      aria-describedby={bad ? `${id}-error` : undefined}
                      onChange={(e) => {
                        setParams((prev) => ({ ...prev, [p.name]: e.target.value }));
                        setFilled(null);
                      }}
                    />
                    {bad ? (
                      <span id={`${id}-error`} className="preset-dialog__error" role="alert">
                        {bad.message}
                      </span>
                    ) : null}
                  </div>
                );
              })}
              <button type="submit" className="button button--primary">
                Show endpoints
              </button>
            </>
          ) : null}
        </form>
      ) : null}
      {generalError ? <ErrorBanner error={generalError} onDismiss={() => setError(null)} /> : null}
      {filled ? (
        <section aria-label="Filled endpoints" className="preset-dialog__filled">
          <dl className="endpoints">
            <dt>issuer</dt>
            <dd className="mono">{filled.server.issuer ?? <span className="muted">none</span>}</dd>
            <dt>token endpoint</dt>
            <dd className="mono">{filled.server.token_endpoint}</dd>
            <dt>jwks_uri</dt>
            <dd className="mono">{filled.server.jwks_uri ?? <span className="muted">none</span>}</dd>
            <dt>introspection</dt>
            <dd className="mono">{filled.server.introspection_endpoint ?? <span className="muted">none</span>}</dd>
            {filled.discoveryUrl ? (
              <>
                <dt>metadata</dt>
                <dd className="mono">{filled.discoveryUrl}</dd>
              </>
            ) : null}
            {filled.audience ? (
              <>
                <dt>audience</dt>
                <dd className="mono">{filled.audience}</dd>
              </>
            ) : null}
          </dl>
          {collection && onSaveCollection ? (
            <div className="add-server">
              <label>
                Server id <input className="mono" value={serverId} onChange={(e) => setServerId(e.target.value)} aria-label="Server id" />
              </label>
              <button type="button" className="button" disabled={!serverId.trim() || taken.has(serverId.trim())} onClick={() => void add()}>
                Add to “{collection.name}”
              </button>
              {taken.has(serverId.trim()) && added !== serverId.trim() ? <span className="muted">that id is taken</span> : null}
              {added ? <span role="status">Added “{added}”.</span> : null}
            </div>
          ) : (
            <p className="muted">Select a collection in the sidebar to add this server to it.</p>
          )}
        </section>
      ) : null}
      {preset && (notes.length > 0 || (rules?.auth_methods?.length ?? 0) > 0) ? (
        <details className="preset-dialog__rules">
          <summary>{preset.name}: its rules for token exchange</summary>
          <ul>
            <li>
              grant: <span className="mono">{rules?.grant_type}</span>
            </li>
            {rules?.auth_methods?.length ? (
              <li>
                client authentication: <span className="mono">{rules.auth_methods.join(", ")}</span>
              </li>
            ) : null}
            {notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
          <p className="muted">Sources: {preset.sources.join(" · ")}</p>
        </details>
      ) : null}
      <div className="preset-dialog__close">
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
