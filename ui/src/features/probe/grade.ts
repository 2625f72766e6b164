/** What each grade of the report card means (baton-core's runner gives them). */
const MEANING: Record<string, string> = {
  A: "nothing failed",
  B: "only info or warning failures",
  C: "one or two error-level failures",
  D: "three to five error-level failures",
  F: "more than five error-level failures",
  "-": "nothing could be judged: every probe was skipped",
};

export function gradeMeaning(grade: string): string {
  return MEANING[grade] ?? "see the failures below";
}

/** The class that colours a grade: A green, B amber, `-` grey, C to F red. */
export function gradeClass(grade: string): string {
  if (grade === "A") return "grade--a";
  if (grade === "B") return "grade--b";
  if (grade === "-") return "grade--none";
  return "grade--failed";
}
