import type { IpcError, LabRequestView } from "../../api/types";
import { ErrorBanner } from "../../shared/ErrorBanner";

const GRANT_PREFIX = "urn:ietf:params:oauth:grant-type:";

function time(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** The grant as a trainer says it: `token-exchange` for the RFC 8693 URN. */
function grant(g: string | null): string {
  if (!g) return "—";
  return g.startsWith(GRANT_PREFIX) ? g.slice(GRANT_PREFIX.length) : g;
}

/** A refusal's detail reads "error: description"; its error code is shown on its own. */
function refusal(detail: string): { error: string; description: string } {
  const at = detail.indexOf(":");
  return at < 0 ? { error: detail, description: "" } : { error: detail.slice(0, at).trim(), description: detail.slice(at + 1).trim() };
}

function RequestRow({ request }: { request: LabRequestView }) {
  const refused = request.outcome === "refused";
  const why = refused ? refusal(request.detail) : null;
  return (
    <tr className={`lab-request lab-request--${request.outcome}`} data-testid="lab-request-row" data-outcome={request.outcome}>
      <td className="mono">{time(request.time_ms)}</td>
      <td className="mono">{request.endpoint}</td>
      <td className="mono" title={request.grant_type ?? undefined}>
        {grant(request.grant_type)}
      </td>
      <td className="mono">{request.client_id ?? "—"}</td>
      <td className="mono">{request.status}</td>
      <td>
        <span className={`lab-outcome lab-outcome--${request.outcome}`}>{request.outcome}</span>
      </td>
      <td className="lab-request__detail">
        {why ? (
          <>
            <code className="lab-request__error">{why.error}</code> {why.description}
          </>
        ) : (
          <span className="mono">{request.detail}</span>
        )}
      </td>
    </tr>
  );
}

/** What the lab has answered lately, newest first, refusals highlighted with their error. */
export function RecentRequests({ requests, error }: { requests: LabRequestView[] | null; error: IpcError | null }) {
  const refused = requests?.filter((r) => r.outcome === "refused").length ?? 0;
  return (
    <section aria-labelledby="lab-requests-heading" className="lab__requests">
      <h2 id="lab-requests-heading">
        Recent requests{" "}
        {requests && requests.length > 0 ? (
          <span className="muted lab__count">
            {requests.length} shown{refused > 0 ? `, ${refused} refused` : ""} · refreshed every 2 s
          </span>
        ) : null}
      </h2>
      {error ? <ErrorBanner error={error} /> : null}
      {requests === null ? (
        <p className="muted">Loading…</p>
      ) : requests.length === 0 ? (
        <p className="muted">No requests yet. Run a scenario against the lab and its requests show here.</p>
      ) : (
        <div className="lab__table-wrap">
          <table className="lab-table lab-requests" aria-label="Recent requests">
            <thead>
              <tr>
                <th scope="col">time</th>
                <th scope="col">endpoint</th>
                <th scope="col">grant</th>
                <th scope="col">client</th>
                <th scope="col">status</th>
                <th scope="col">outcome</th>
                <th scope="col">detail</th>
              </tr>
            </thead>
            <tbody>
              {requests.map((r, i) => (
                <RequestRow key={`${r.time_ms}-${i}`} request={r} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
