import { useId, useState, type FormEvent } from "react";

import { toIpcError } from "../../api/ipc";
import { discover } from "../../api/servers";
import type { Collection, DiscoveryView, IpcError, LabInfo } from "../../api/types";
import { ErrorBanner } from "../../shared/ErrorBanner";
import { FindingsList } from "../inspector/FindingsList";

function Endpoint({ name, url }: { name: string; url: string | null }) {
  return (
    <>
      <dt>{name}</dt>
      <dd className="mono">{url ?? <span className="muted">not advertised</span>}</dd>
    </>
  );
}

/** A server by its issuer: what its metadata advertises (RFC 8414 / OpenID Connect discovery),
 * whether it offers token exchange, and what deviates. */
export function ServerPanel({ lab, collection }: { lab: LabInfo | null; collection: Collection | null }) {
  const inputId = useId();
  const [issuer, setIssuer] = useState(lab?.issuer ?? "");
  const [result, setResult] = useState<DiscoveryView | null>(null);
  const [error, setError] = useState<IpcError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!issuer.trim()) return;
    setBusy(true);
    setError(null);
    try {
      setResult(await discover(issuer.trim()));
    } catch (err) {
      setResult(null);
      setError(toIpcError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="servers">
      <h1>Servers</h1>
      {collection && (collection.servers?.length ?? 0) > 0 ? (
        <section aria-label={`Servers of ${collection.name}`}>
          <h2>In “{collection.name}”</h2>
          <table className="server-table">
            <thead>
              <tr>
                <th>id</th>
                <th>issuer</th>
                <th>token endpoint</th>
              </tr>
            </thead>
            <tbody>
              {collection.servers!.map((s) => (
                <tr key={s.id}>
                  <td className="mono">{s.id}</td>
                  <td className="mono">{s.issuer ?? "—"}</td>
                  <td className="mono">{s.token_endpoint}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
      <section aria-label="Discovery">
        <h2>Discover a server</h2>
        <form className="discover-form" onSubmit={submit}>
          <label htmlFor={inputId}>Issuer URL</label>
          <div className="field__row">
            <input
              id={inputId}
              className="mono"
              type="url"
              value={issuer}
              placeholder="https://idp.example.com"
              onChange={(e) => setIssuer(e.target.value)}
            />
            <button type="submit" className="button button--primary" disabled={busy || !issuer.trim()}>
              {busy ? "Discovering…" : "Discover"}
            </button>
          </div>
          {lab ? (
            <button type="button" className="button button--link" onClick={() => setIssuer(lab.issuer)}>
              Use the lab token service ({lab.issuer})
            </button>
          ) : null}
        </form>
        {error ? <ErrorBanner error={error} onDismiss={() => setError(null)} /> : null}
        {result ? (
          <div className="discovery">
            <p className={result.token_exchange_advertised ? "advertised advertised--yes" : "advertised advertised--no"}>
              {result.token_exchange_advertised
                ? "Token exchange (urn:ietf:params:oauth:grant-type:token-exchange) is advertised."
                : "Token exchange is not advertised in grant_types_supported: the server may still accept it, or refuse it."}
            </p>
            <dl className="endpoints">
              <Endpoint name="metadata" url={result.metadata_url} />
              <Endpoint name="token endpoint" url={result.token_endpoint} />
              <Endpoint name="jwks_uri" url={result.jwks_uri} />
              <Endpoint name="introspection" url={result.introspection_endpoint} />
            </dl>
            <FindingsList findings={result.findings} />
          </div>
        ) : null}
      </section>
    </div>
  );
}
