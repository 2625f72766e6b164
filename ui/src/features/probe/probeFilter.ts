import type { ProbeGroup, ProbeOutcome, ProbeReport, ProbeResult, Severity } from "../../api/types";

export type ProbeFilter = {
  outcomes: ReadonlySet<ProbeOutcome>;
  /** Matched, case-insensitively, against the id, title, RFC section and reason. */
  text: string;
  severity: Severity | "all";
};

export const SHOW_ALL: ProbeFilter = { outcomes: new Set<ProbeOutcome>(["fail", "skip", "pass"]), text: "", severity: "all" };

export type ResultGroup = { group: ProbeGroup; title: string; results: ProbeResult[] };

const RANK: Record<ProbeOutcome, number> = { fail: 0, skip: 1, pass: 2 };

function matches(r: ProbeResult, f: ProbeFilter): boolean {
  if (!f.outcomes.has(r.outcome)) return false;
  if (f.severity !== "all" && r.severity !== f.severity) return false;
  const text = f.text.trim().toLowerCase();
  return text === "" || [r.id, r.title, r.rfc, r.reason].some((s) => s.toLowerCase().includes(text));
}

/** The results the filter lets through, by group: failures first — the groups that have any
 * before the others (each set in the card's order), and within a group failed, skipped, passed. */
export function visibleGroups(report: ProbeReport, filter: ProbeFilter): ResultGroup[] {
  const groups: ResultGroup[] = report.groups.map((g) => ({ group: g.group, title: g.title, results: [] }));
  for (const r of report.results) {
    if (!matches(r, filter)) continue;
    let g = groups.find((x) => x.group === r.group);
    if (!g) groups.push((g = { group: r.group, title: r.group, results: [] }));
    g.results.push(r);
  }
  const shown = groups.filter((g) => g.results.length > 0);
  for (const g of shown) g.results.sort((a, b) => RANK[a.outcome] - RANK[b.outcome]);
  const failing = (g: ResultGroup) => (g.results.some((r) => r.outcome === "fail") ? 0 : 1);
  return shown.sort((a, b) => failing(a) - failing(b));
}

/** How many results have each outcome. */
export function outcomeCounts(report: ProbeReport): Record<ProbeOutcome, number> {
  const counts: Record<ProbeOutcome, number> = { fail: 0, skip: 0, pass: 0 };
  for (const r of report.results) counts[r.outcome] += 1;
  return counts;
}
