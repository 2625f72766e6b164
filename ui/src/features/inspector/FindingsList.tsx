import type { Finding } from "../../api/types";

/** Spec deviations, worst first, each with the RFC section it breaks. */
export function FindingsList({ findings, title = "Findings" }: { findings: readonly Finding[]; title?: string }) {
  const order = { error: 0, warning: 1, info: 2 } as const;
  const sorted = [...findings].sort((a, b) => order[a.severity] - order[b.severity]);
  return (
    <section className="inspector__section" aria-label={title}>
      <h3>
        {title} <span className="muted">({findings.length})</span>
      </h3>
      {sorted.length === 0 ? <p className="muted">None: nothing deviates from the specifications Baton checks.</p> : null}
      <ul className="findings">
        {sorted.map((f, i) => (
          <li key={`${f.id}-${i}`} className={`finding finding--${f.severity}`}>
            <span className={`severity severity--${f.severity}`}>{f.severity}</span>
            <span className="finding__message">{f.message}</span>
            <span className="finding__ref muted">{f.reference}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
