/** Latencies (ms) counted into `count` equal-width bins from 0 to the slowest call, so a
 * histogram can draw them. Each bin says its range, in whole milliseconds. */
export type Bin = { from: number; to: number; count: number };

export function bins(latencies: readonly number[], count = 10): Bin[] {
  if (latencies.length === 0) return [];
  const max = Math.max(...latencies);
  // At least 1 ms a bin: calls answered from the cache take 0 ms.
  const width = Math.max(1, Math.ceil((max + 1) / count));
  const n = Math.max(1, Math.ceil((max + 1) / width));
  const out: Bin[] = Array.from({ length: n }, (_, i) => ({ from: i * width, to: (i + 1) * width - 1, count: 0 }));
  for (const ms of latencies) {
    const bin = out[Math.min(n - 1, Math.floor(ms / width))];
    if (bin) bin.count += 1;
  }
  return out;
}
