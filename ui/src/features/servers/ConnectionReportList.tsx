import type { ConnectionReport } from "../../api/types";

/** The checks of a connection test, each passed or failed, with the URL it asked and what came back. */
export function ConnectionReportList({ report }: { report: ConnectionReport }) {
  const failed = report.checks.filter((c) => !c.ok).length;
  return (
    <div className="connection-report" aria-label={`Connection test of ${report.server_id}`}>
      <p className={failed ? "connection-report__summary advertised--no" : "connection-report__summary advertised--yes"}>
        {failed ? `${failed} of ${report.checks.length} checks failed` : `All ${report.checks.length} checks passed`}
      </p>
      <ul className="checks">
        {report.checks.map((check, i) => (
          <li key={`${check.name}-${i}`} className={`check check--${check.ok ? "ok" : "failed"}`}>
            <span className="check__mark" aria-hidden="true">
              {check.ok ? "✓" : "✗"}
            </span>
            <div className="check__body">
              <div>
                <strong>{check.name}</strong> <span className="check__verdict">{check.ok ? "ok" : "failed"}</span>
                {check.status !== null ? <span className="muted"> · HTTP {check.status}</span> : null}
              </div>
              <div className="mono check__url">{check.url}</div>
              {check.detail ? <div className="check__detail">{check.detail}</div> : null}
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
