import type { GroupScore, ProbeReport } from "../../api/types";
import { localDate } from "../inspector/time";
import { Counts } from "./Counts";

const GRADE_MEANING: Record<string, string> = {
  A: "nothing failed",
  B: "only info or warning failures",
  C: "one or two error-level failures",
  D: "three to five error-level failures",
  F: "more than five error-level failures",
};

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
        <div className={`report-card__grade grade--${grade.toLowerCase()}`} data-testid="probe-grade" aria-label={`Grade ${grade}`}>
          {grade}
        </div>
        <div className="report-card__summary">
          <p className="report-card__meaning">
            Grade {grade}: {GRADE_MEANING[grade] ?? "see the failures below"}
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
