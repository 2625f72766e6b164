import type { ProbeChange, ProbeOutcome } from "../../api/types";

const WORD: Record<ProbeOutcome, string> = { pass: "passed", fail: "failed", skip: "skipped" };

/** What a change means to someone watching a server, as `baton diff` says it: passed before and
 * fails now (a regression), failed and passes now (fixed), or another change. */
function kind(c: ProbeChange): "regression" | "fixed" | "changed" {
  if (c.before === "pass" && c.after === "fail") return "regression";
  if (c.before === "fail" && c.after === "pass") return "fixed";
  return "changed";
}

const KIND_TEXT = { regression: "regression", fixed: "fixed", changed: "changed" } as const;

type Props = {
  before: number;
  after: number;
  changes: ProbeChange[];
  onClose: () => void;
};

/** The probes whose outcome changed from one saved run to another, regressions first (as the
 * backend orders them). */
export function ProbeDiffList({ before, after, changes, onClose }: Props) {
  return (
    <section className="run-diff probe-diff" aria-label={`Probe changes from run #${before} to run #${after}`}>
      <div className="run-diff__head">
        <h3>
          Run #{before} → run #{after}
        </h3>
        <button type="button" className="button button--quiet" onClick={onClose} aria-label="Close comparison">
          ×
        </button>
      </div>
      {changes.length === 0 ? (
        <p className="muted">No probe changed its outcome.</p>
      ) : (
        <ul className="probe-diff__list">
          {changes.map((c) => (
            <li key={c.id} className={`probe-diff__change probe-diff__change--${kind(c)}`} data-testid="probe-change" data-kind={kind(c)}>
              <span className={`probe-diff__kind probe-diff__kind--${kind(c)}`}>{KIND_TEXT[kind(c)]}</span>
              <span className="probe-diff__what">
                <span className="mono">{c.id}</span> <span className="muted">{c.title}</span>
              </span>
              <span className="probe-diff__outcomes">
                {c.before ? WORD[c.before] : "not run"} → {c.after ? WORD[c.after] : "not run"}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
