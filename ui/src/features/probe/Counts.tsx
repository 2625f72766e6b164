import type { GroupScore } from "../../api/types";

/** Passed, failed and skipped; a count of none is said quietly, a failure loudly. */
export function Counts({ score, terse = false }: { score: Pick<GroupScore, "passed" | "failed" | "skipped">; terse?: boolean }) {
  return (
    <>
      {!terse || score.passed > 0 ? <span className="probe-count probe-count--pass">{score.passed} passed</span> : null}
      {!terse || score.failed > 0 ? (
        <span className={`probe-count ${score.failed > 0 ? "probe-count--fail" : "probe-count--none"}`}>{score.failed} failed</span>
      ) : null}
      {!terse || score.skipped > 0 ? <span className="probe-count probe-count--skip">{score.skipped} skipped</span> : null}
    </>
  );
}
