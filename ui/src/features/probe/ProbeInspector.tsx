import type { ProbeExchange, ProbeResult } from "../../api/types";
import { HttpExchange } from "../inspector/HttpExchange";

const OUTCOME_TEXT = { pass: "passed", fail: "failed", skip: "skipped" } as const;

/** One request the probe sent and what came back, raw, secrets masked. */
function ExchangeView({ exchange, index }: { exchange: ProbeExchange; index: number }) {
  return (
    <HttpExchange request={exchange.request} response={exchange.response} title={`${index + 1}. ${exchange.label}`}>
      <p className="muted probe-exchange__meta">
        {exchange.elapsedMs} ms
        {exchange.response?.truncated ? " · the response body was longer: only its start is kept" : ""}
      </p>
      {exchange.error ? <p className="probe-exchange__error">No answer: {exchange.error}</p> : null}
    </HttpExchange>
  );
}

/** A probe in full: its verdict and reason, how to fix a failure, and every request it made with
 * the response, as sent and received. */
export function ProbeInspector({ result, onClose }: { result: ProbeResult; onClose: () => void }) {
  const r = result;
  return (
    <aside className="inspector probe-inspector" aria-label="Probe exchanges">
      <header className="inspector__header">
        <div>
          <h2>{r.title}</h2>
          <p className="muted">
            <span className="mono">{r.id}</span> · {r.rfc} · {r.severity}
          </p>
        </div>
        <button type="button" className="button button--quiet" aria-label="Close probe" onClick={onClose}>
          ×
        </button>
      </header>
      <section className="inspector__section" aria-label="Verdict">
        <p className={`probe-verdict probe-verdict--${r.outcome}`}>
          <span className={`badge badge--${OUTCOME_TEXT[r.outcome]}`}>{OUTCOME_TEXT[r.outcome]}</span> {r.reason}
        </p>
        {r.outcome === "fail" ? (
          <p className="probe-result__fix">
            <strong>Fix:</strong> {r.fix}
          </p>
        ) : null}
      </section>
      {r.exchanges.length === 0 ? (
        <p className="muted inspector__section">This probe sent no request.</p>
      ) : (
        r.exchanges.map((x, i) => <ExchangeView key={i} exchange={x} index={i} />)
      )}
    </aside>
  );
}
