import "./latency.css";
import { bins } from "./bins";

const W = 240;
const H = 80;

/** How a repeated step's call latencies are spread: one bar per range of milliseconds, its
 * height the number of calls in it. */
export function LatencyHistogram({ latencies }: { latencies: readonly number[] }) {
  const data = bins(latencies);
  if (data.length === 0) return null;
  const most = Math.max(...data.map((b) => b.count));
  const barW = W / data.length;
  const last = data[data.length - 1];
  return (
    <figure className="latency">
      <svg className="latency__chart" viewBox={`0 0 ${W} ${H + 14}`} role="img" aria-label={`Latency histogram of ${latencies.length} calls`}>
        {data.map((b, i) => {
          const h = most === 0 ? 0 : Math.max(b.count > 0 ? 1 : 0, (b.count / most) * H);
          return (
            <rect key={i} className="latency__bar" data-bar={i} x={i * barW + 1} y={H - h} width={Math.max(1, barW - 2)} height={h}>
              <title>{`${b.from}–${b.to} ms: ${b.count} ${b.count === 1 ? "call" : "calls"}`}</title>
            </rect>
          );
        })}
        <text className="latency__axis" x={0} y={H + 12}>
          0 ms
        </text>
        <text className="latency__axis" x={W} y={H + 12} textAnchor="end">
          {`${last ? last.to + 1 : 0} ms`}
        </text>
      </svg>
      <figcaption className="latency__caption">Latency: calls per range of milliseconds</figcaption>
    </figure>
  );
}
