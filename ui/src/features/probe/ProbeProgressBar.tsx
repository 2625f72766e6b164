type Props = {
  total: number;
  finished: number;
  running: boolean;
  cancelling: boolean;
  /** The probe running now: its position from 0, id and title. */
  current: { index: number; id: string; title: string } | null;
};

/** How far the probe run is: a bar of finished probes, and which probe is running now
 * ("23 of 89: chain.upstream-splice"). */
export function ProbeProgressBar({ total, finished, running, cancelling, current }: Props) {
  const percent = total > 0 ? Math.round((finished / total) * 100) : 0;
  const text = running
    ? current
      ? `${current.index + 1} of ${total}: ${current.id}`
      : "Obtaining the subject token…"
    : `${finished} of ${total} probe${total === 1 ? "" : "s"} run`;
  return (
    <div className="run-progress probe-progress">
      <div
        className="run-progress__bar"
        role="progressbar"
        aria-label="Probe run progress"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={finished}
        aria-valuetext={`${finished} of ${total} probes finished`}
        data-testid="probe-progress"
      >
        <div className="run-progress__fill" style={{ width: `${percent}%` }} />
      </div>
      <p className="run-progress__text" aria-live="polite">
        <span className="mono">{text}</span>
        {running && current ? <span className="muted"> · {current.title}</span> : null}
        {cancelling ? <span className="muted"> · stopping after this probe…</span> : null}
      </p>
    </div>
  );
}
