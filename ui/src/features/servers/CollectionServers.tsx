import { useState } from "react";

import { toIpcError } from "../../api/ipc";
import { testConnection } from "../../api/servers";
import type { Collection, ConnectionReport, IpcError } from "../../api/types";
import { ErrorBanner } from "../../shared/ErrorBanner";
import { ConnectionReportList } from "./ConnectionReportList";

/** The servers of a collection, each with a connection test (the checks are made in Rust) in
 * the environment the app toolbar has chosen, and a way into its Probe view. */
export function CollectionServers({
  collection,
  environment,
  onProbe,
}: {
  collection: Collection;
  environment: string | null;
  onProbe?: (serverId: string) => void;
}) {
  const servers = collection.servers ?? [];
  const [reports, setReports] = useState<Record<string, ConnectionReport>>({});
  const [testing, setTesting] = useState<string | null>(null);
  const [error, setError] = useState<IpcError | null>(null);

  const test = async (serverId: string) => {
    setTesting(serverId);
    setError(null);
    try {
      const report = await testConnection(collection.name, serverId, environment);
      setReports((all) => ({ ...all, [serverId]: report }));
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setTesting(null);
    }
  };

  return (
    <section aria-label={`Servers of ${collection.name}`}>
      <h2>In “{collection.name}”</h2>
      {error ? <ErrorBanner error={error} onDismiss={() => setError(null)} /> : null}
      <table className="server-table">
        <thead>
          <tr>
            <th>id</th>
            <th>issuer</th>
            <th>token endpoint</th>
            <th>
              <span className="visually-hidden">connection</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {servers.map((s) => (
            <tr key={s.id}>
              <td className="mono">{s.id}</td>
              <td className="mono">{s.issuer ?? "—"}</td>
              <td className="mono">{s.token_endpoint}</td>
              <td>
                <button
                  type="button"
                  className="button button--small"
                  disabled={testing !== null}
                  aria-label={`Test connection to ${s.id}`}
                  onClick={() => void test(s.id)}
                >
                  {testing === s.id ? "Testing…" : "Test connection"}
                </button>{" "}
                {onProbe ? (
                  <button
                    type="button"
                    className="button button--small"
                    aria-label={`Probe ${s.id}`}
                    title="Run the probe suite against this server: what it must refuse, and how it answers"
                    onClick={() => onProbe(s.id)}
                  >
                    Probe…
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {servers.map((s) => {
        const report = reports[s.id];
        return report ? (
          <div key={s.id} className="connection">
            <h3>
              Connection to <span className="mono">{s.id}</span>
            </h3>
            <ConnectionReportList report={report} />
          </div>
        ) : null;
      })}
    </section>
  );
}
