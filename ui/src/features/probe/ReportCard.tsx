import type { GroupScore, ProbeReport } from "../../api/types";
import { localDate } from "../inspector/time";
import { Counts } from "./Counts";
import { gradeClass, gradeMeaning } from "./grade";


/** One group's line: its title, a bar of passed out of judged, the percentage and the counts
 * (those that are not zero). */
function GroupLine({ score }: { score: GroupScore }) {
  return (
    <li className="probe-score__group" data-testid="group-score" data-group={score.group} data-failed={score.failed}>
      <span className="probe-score__title" title={score.title}>
        {score.title}
      </span>
      <span className="probe-score__bar" aria-hidden="true">
        <span className={`probe-score__fill ${score.failed > 0 ? "probe-score__fill--failed" : ""}`} style={{ width: `${score.score ?? 0}%` }} />
      </span>
      <span className="probe-score__percent">{score.score === null ? <span className="muted" title="nothing judged">—</span> : `${score.score}%`}</span>
      <span className="probe-score__counts">
        <Counts score={score} terse />
      </span>
    </li>
  );
}

/** The report card: one grade a person understands at a glance, then a score per group. */
export function ReportCard({ report, runId }: { report: ProbeReport; runId: number | null }) {
  const grade = report.grade;
  return (
    <section className="report-card" aria-label="Report card">
      <div className="report-card__head">
        <div className={`report-card__grade ${gradeClass(grade)}`} data-testid="probe-grade" aria-label={`Grade ${grade}`}>
          {grade}
        </div>
        <div className="report-card__summary">
          <p className="report-card__meaning">
            Grade {grade}: {gradeMeaning(grade)}
            {report.cancelled ? <strong className="report-card__cancelled"> · cancelled before every probe ran</strong> : null}
          </p>
          <p className="report-card__overall" data-testid="probe-overall">
            <Counts score={report.overall} />
            {report.overall.score !== null ? <span className="muted">· {report.overall.score}% of the judged probes passed</span> : null}
          </p>
          <p className="muted report-card__meta">
            {runId !== null ? `Run #${runId} · ` : ""}
            <span className="mono">{report.tokenEndpoint}</span> · {localDate(report.startedAt)} · {(report.elapsedMs / 1000).toFixed(1)} s
          </p>
        </div>
      </div>
      <ul className="probe-score" aria-label="Score per group">
        {report.groups.map((g) => (
          <GroupLine key={g.group} score={g} />
        ))}
      </ul>
    </section>
  );
}
