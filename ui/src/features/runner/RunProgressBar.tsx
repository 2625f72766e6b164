type Props = {
  total: number;
  finished: number;
  running: boolean;
  /** The scenario running now: its position from 0 and name, and the name of its latest step. */
  current: { position: number; scenario: string; step: string | null } | null;
};

/** How far the collection run is: a bar of finished scenarios, and which scenario and step are
 * running now. */
export function RunProgressBar({ total, finished, running, current }: Props) {
  const percent = total > 0 ? Math.round((finished / total) * 100) : 0;
  const text = running
    ? current
      ? `Scenario ${current.position + 1} of ${total}: ${current.scenario}`
      : `Starting ${total} scenario${total === 1 ? "" : "s"}…`
    : `${finished} of ${total} scenario${total === 1 ? "" : "s"} run`;
  return (
    <div className="run-progress">
      <div
        className="run-progress__bar"
        role="progressbar"
        aria-label="Collection run progress"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={finished}
        aria-valuetext={`${finished} of ${total} scenarios finished`}
        data-testid="collection-progress"
      >
        <div className="run-progress__fill" style={{ width: `${percent}%` }} />
      </div>
      <p className="run-progress__text" aria-live="polite">
        <span>{text}</span>
        {running && current?.step ? <span className="muted"> · step {current.step}</span> : null}
      </p>
    </div>
  );
}
