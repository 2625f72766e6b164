import type { RepeatStats } from "../../api/types";
import { LatencyHistogram } from "./LatencyHistogram";
import { LatencyTimeline } from "./LatencyTimeline";
import "./latency.css";

/** A repeated step's calls: the counts, the percentiles, then the histogram and the timeline. */
export function RepeatResult({ stats }: { stats: RepeatStats }) {
  const facts: [string, string][] = [
    ["calls", String(stats.times)],
    ["round trips", String(stats.round_trips)],
    ["from cache", String(stats.from_cache)],
    ["failed", String(stats.failures)],
    ["p50", `${stats.p50_ms} ms`],
    ["p90", `${stats.p90_ms} ms`],
    ["p99", `${stats.p99_ms} ms`],
    ["max", `${stats.max_ms} ms`],
    ["total", `${stats.total_ms} ms`],
  ];
  return (
    <section className="repeat-result" aria-label="Repeated calls">
      <dl className="repeat-result__facts">
        {facts.map(([name, value]) => (
          <div key={name} className="repeat-result__fact">
            <dt>{name}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <div className="repeat-result__charts">
        <LatencyHistogram latencies={stats.latencies_ms} />
        <LatencyTimeline started={stats.started_ms} latencies={stats.latencies_ms} fromCache={stats.from_cache} />
      </div>
    </section>
  );
}

/** Said of a step whose token came from the engine's token cache: no request was sent. */
export function FromCacheBadge() {
  return (
    <span className="from-cache" title="The token came from the token cache: no request was sent">
      from cache
    </span>
  );
}
