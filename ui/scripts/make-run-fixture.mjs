// Writes a canned RunView for the UI tests from a real run's JSON report:
//
//   cargo run -p baton-cli --bin baton -- run examples --sts --filter agent-chain --json /tmp/r.json
//   node ui/scripts/make-run-fixture.mjs /tmp/r.json agent-chain ui/src/fixtures/agent-chain.json
//
// (src/fixtures/README.md lists how each fixture was made.)
//
// `record` and `graph` are the engine's and the graph builder's, untouched. The app's shell adds
// `steps` (StepView: curl, diff) in Rust; this script fills them in the same shape so that the
// fixture exercises the inspector: `curl` from the recorded (already masked) request, `diff`
// following baton_core::scenario::token_diff. Test data only: the UI never computes either.
import { readFileSync, writeFileSync } from "node:fs";

const [reportPath, scenarioId, out] = process.argv.slice(2);
if (!reportPath || !scenarioId || !out) {
  console.error("usage: make-run-fixture.mjs REPORT.json SCENARIO_ID OUT.json (REPORT from `baton run … --json`)");
  process.exit(2);
}
const report = JSON.parse(readFileSync(reportPath, "utf8"));
const run = report.runs.find((r) => r.record.scenario_id === scenarioId);
if (!run) throw new Error(`${reportPath} has no run of the scenario ${scenarioId}`);

const quote = (s) => (s !== "" && /^[A-Za-z0-9\-_./:=@%+,]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
function curl(request) {
  if (!request) return null;
  const lines = [`curl -sS${request.method === "GET" ? "" : ` -X ${request.method}`} ${quote(request.url)}`];
  for (const [name, value] of request.headers) lines.push(`-H ${quote(`${name}: ${value}`)}`);
  for (const [name, value] of new URLSearchParams(request.body ?? "")) lines.push(`--data-urlencode ${quote(`${name}=${value}`)}`);
  return lines.join(" \\\n  ");
}

const jwtOf = (token) => (token?.decoded?.kind === "jwt" ? token.decoded : null);
const str = (jwt, name) => (typeof jwt.claims[name] === "string" ? jwt.claims[name] : null);
const num = (jwt, name) => (typeof jwt.claims[name] === "number" ? jwt.claims[name] : null);
const list = (v) => (typeof v === "string" ? [v] : Array.isArray(v) ? v.filter((x) => typeof x === "string") : []);
const scopes = (jwt) => (typeof jwt.claims.scope === "string" ? jwt.claims.scope.split(" ").filter(Boolean) : list(jwt.claims.scp));
const actors = (jwt) => jwt.act_chain.actors.map((p) => p.sub ?? p.client_id ?? JSON.stringify(p.claims));
const missing = (these, those) => [...new Set(these.filter((v) => !those.includes(v)))];
const values = (before, after) => {
  const added = missing(after, before);
  const removed = missing(before, after);
  return { before, after, added, removed, narrowed: added.length === 0 && removed.length > 0 };
};
const text = (s, i, name) => {
  const before = str(s, name);
  const after = str(i, name);
  return { before, after, preserved: before !== null && before === after };
};
const APART = ["iat", "nbf", "exp", "jti", "sub", "aud", "scope", "scp", "act", "iss", "client_id"];
function diff(step) {
  if (step.kind !== "exchange") return null;
  const subject = jwtOf(step.inputs.find((i) => i.role === "subject")?.token);
  const issued = jwtOf(step.token);
  if (!subject || !issued) return null;
  const act = { before: actors(subject), after: actors(issued) };
  const lifetime = (j) => (num(j, "exp") !== null && num(j, "iat") !== null ? num(j, "exp") - num(j, "iat") : null);
  const other = (from, to) => Object.keys(from.claims).filter((k) => !APART.includes(k) && !(k in to.claims));
  return {
    sub: text(subject, issued, "sub"),
    aud: values(list(subject.claims.aud), list(issued.claims.aud)),
    scope: values(scopes(subject), scopes(issued)),
    exp: { before: num(subject, "exp"), after: num(issued, "exp") },
    lifetime: { before: lifetime(subject), after: lifetime(issued) },
    act,
    act_added: act.after.length > 0 && act.before[0] !== act.after[0],
    iss: text(subject, issued, "iss"),
    client_id: text(subject, issued, "client_id"),
    other: {
      added: other(issued, subject),
      removed: other(subject, issued),
      changed: Object.keys(issued.claims).filter(
        (k) => !APART.includes(k) && k in subject.claims && JSON.stringify(subject.claims[k]) !== JSON.stringify(issued.claims[k]),
      ),
    },
  };
}

const view = {
  run_id: 1,
  record: run.record,
  graph: run.graph,
  steps: run.record.steps.map((step) => ({ step_id: step.id, curl: curl(step.request), diff: diff(step) })),
};
writeFileSync(out, `${JSON.stringify(view, null, 2)}\n`);
console.log(`wrote ${out}: ${view.graph.nodes.length} tokens, ${view.graph.edges.length} edges, ${view.steps.length} steps`);
