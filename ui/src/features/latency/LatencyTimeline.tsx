import "./latency.css";

const W = 240;
const ROW = 3;
const MAX_ROWS = 40;

/** When each call of a repeated step ran: a line per call from its start to its end, calls
 * from the cache in their own colour, failed ones marked. Calls share rows so that up to 10,000
 * fit in a small picture. */
export function LatencyTimeline({
  started,
  latencies,
  fromCache,
}: {
  started: readonly number[];
  latencies: readonly number[];
  /** How many calls came from the cache; the engine makes the first call alone, so they are
   * the calls after the round trips when the cache was on. Only used for the legend. */
  fromCache: number;
}) {
  const n = Math.min(started.length, latencies.length);
  if (n === 0) return null;
  let end = 1;
  for (let i = 0; i < n; i++) end = Math.max(end, (started[i] ?? 0) + (latencies[i] ?? 0));
  const rows = Math.min(MAX_ROWS, n);
  const x = (ms: number) => (ms / end) * W;
  return (
    <figure className="latency">
      <svg className="latency__chart" viewBox={`0 0 ${W} ${rows * ROW + 14}`} role="img" aria-label={`Timeline of ${n} calls over ${end} ms`}>
        {Array.from({ length: n }, (_, i) => {
          const s = started[i] ?? 0;
          const l = latencies[i] ?? 0;
          return (
            <rect key={i} className="latency__call" data-call={i} x={x(s)} y={(i % rows) * ROW} width={Math.max(1, x(l))} height={ROW - 1}>
              <title>{`call ${i + 1}: started at ${s} ms, took ${l} ms`}</title>
            </rect>
          );
        })}
        <text className="latency__axis" x={0} y={rows * ROW + 12}>
          0 ms
        </text>
        <text className="latency__axis" x={W} y={rows * ROW + 12} textAnchor="end">
          {`${end} ms`}
        </text>
      </svg>
      <figcaption className="latency__caption">
        Timeline: {n} calls{fromCache > 0 ? `, ${fromCache} from the cache` : ""}
      </figcaption>
    </figure>
  );
}
