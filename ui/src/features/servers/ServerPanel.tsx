import { useId, useState, type FormEvent } from "react";

import { toIpcError } from "../../api/ipc";
import { discover } from "../../api/servers";
import type { Collection, DiscoveryView, IpcError, LabInfo, Server } from "../../api/types";
import { ErrorBanner } from "../../shared/ErrorBanner";
import { FindingsList } from "../inspector/FindingsList";
import { CollectionServers } from "./CollectionServers";
import { PresetDialog } from "./PresetDialog";

function Endpoint({ name, url }: { name: string; url: string | null }) {
  return (
    <>
      <dt>{name}</dt>
      <dd className="mono">{url ?? <span className="muted">not advertised</span>}</dd>
    </>
  );
}

/** A short id for a server from its issuer's host: `idp.example.com` → `idp-example-com`. */
function serverIdFor(issuer: string): string {
  try {
    return new URL(issuer).host.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "") || "server";
  } catch {
    return "server";
  }
}

/** A server by its issuer: what its metadata advertises (RFC 8414 / OpenID Connect discovery),
 * whether it offers token exchange, and what deviates; a discovered server can be added to the
 * selected collection. */
export function ServerPanel({
  lab,
  collection,
  environment = null,
  onSaveCollection,
  onProbe,
}: {
  lab: LabInfo | null;
  collection: Collection | null;
  /** The environment connection tests use: the app toolbar's switch. */
  environment?: string | null;
  onSaveCollection?: (collection: Collection) => Promise<boolean>;
  /** Opens the Probe view of one of the collection's servers. */
  onProbe?: (serverId: string) => void;
}) {
  const inputId = useId();
  const [issuer, setIssuer] = useState(lab?.issuer ?? "");
  const [result, setResult] = useState<DiscoveryView | null>(null);
  const [error, setError] = useState<IpcError | null>(null);
  const [busy, setBusy] = useState(false);
  const [serverId, setServerId] = useState("");
  const [added, setAdded] = useState<string | null>(null);
  const [presetOpen, setPresetOpen] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!issuer.trim()) return;
    setBusy(true);
    setError(null);
    try {
      setResult(await discover(issuer.trim()));
      setServerId(serverIdFor(issuer.trim()));
      setAdded(null);
    } catch (err) {
      setResult(null);
      setError(toIpcError(err));
    } finally {
      setBusy(false);
    }
  };

  const taken = new Set((collection?.servers ?? []).map((s) => s.id));
  const addServer = async () => {
    if (!collection || !onSaveCollection || !result?.token_endpoint) return;
    const server: Server = { id: serverId.trim(), issuer: issuer.trim(), token_endpoint: result.token_endpoint };
    if (result.jwks_uri) server.jwks_uri = result.jwks_uri;
    if (result.introspection_endpoint) server.introspection_endpoint = result.introspection_endpoint;
    if (await onSaveCollection({ ...collection, servers: [...(collection.servers ?? []), server] })) setAdded(server.id);
  };

  return (
    <div className="servers">
      <div className="servers__head">
        <h1>Servers</h1>
        <button type="button" className="button" onClick={() => setPresetOpen(true)}>
          New server from a preset…
        </button>
      </div>
      {presetOpen ? <PresetDialog collection={collection} onSaveCollection={onSaveCollection} onClose={() => setPresetOpen(false)} /> : null}
      {collection && (collection.servers?.length ?? 0) > 0 ? <CollectionServers key={collection.name} collection={collection} environment={environment} onProbe={onProbe} /> : null}
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
            {collection && onSaveCollection && result.token_endpoint ? (
              <div className="add-server">
                <label>
                  Server id{" "}
                  <input className="mono" value={serverId} onChange={(e) => setServerId(e.target.value)} aria-label="Server id" />
                </label>
                <button
                  type="button"
                  className="button"
                  disabled={!serverId.trim() || taken.has(serverId.trim())}
                  onClick={() => void addServer()}
                >
                  Add to “{collection.name}”
                </button>
                {taken.has(serverId.trim()) && added !== serverId.trim() ? <span className="muted">that id is taken</span> : null}
                {added ? <span role="status">Added “{added}”.</span> : null}
              </div>
            ) : null}
          </div>
        ) : null}
      </section>
    </div>
  );
}
