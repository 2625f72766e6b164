// Measures the real app's memory while it is used (not a test; figures for docs/performance.md):
// the app and its WebKit processes (PSS, so shared pages count once) on a fresh start, then every
// 20 runs of the demo's three-hop scenario ("6. Agents delegating to agents") through its Run
// button, up to RUNS (default 100), then after each of COLLECTION_RUNS (default 10) runs of the
// whole "Baton demo" collection from the collection runner.
// Run: npm run build && cargo build -p baton-app &&
//      xvfb-run -a -s "-screen 0 1280x800x24" node tests/e2e/measure-memory.mjs
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";

import { application, collectionAction, launch, openScenario } from "./driver.mjs";

const RUNS = Number(process.env.RUNS ?? 100);
const COLLECTION_RUNS = Number(process.env.COLLECTION_RUNS ?? 10);
const TIMEOUT = 60_000;

function comm(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "?";
  }
}

function parent(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return -1;
  }
}

function pssKiB(pid) {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    const line = rollup.split("\n").find((l) => l.startsWith("Pss:"));
    return line ? Number(line.split(/\s+/)[1]) : 0;
  } catch {
    return 0;
  }
}

/** PSS in MiB of the app and each process below it, by name. */
function sample() {
  const pids = readdirSync("/proc").filter((e) => /^\d+$/.test(e)).map(Number);
  const name = path.basename(application).slice(0, 15);
  const roots = pids.filter((p) => comm(p) === name);
  const tree = new Set(roots);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of pids) {
      if (!tree.has(p) && tree.has(parent(p))) {
        tree.add(p);
        grew = true;
      }
    }
  }
  const by = {};
  for (const p of tree) {
    const key = comm(p).replace(/^WebKit/, "");
    by[key] = (by[key] ?? 0) + pssKiB(p) / 1024;
  }
  by.total = Object.values(by).reduce((a, b) => a + b, 0);
  return by;
}

const rows = [];
function record(label) {
  const s = sample();
  rows.push({ label, ...s });
  const parts = Object.entries(s)
    .filter(([k]) => k !== "total")
    .map(([k, v]) => `${k} ${v.toFixed(0)}`)
    .join(", ");
  console.log(`${label.padEnd(34)} total ${s.total.toFixed(0).padStart(4)} MiB  (${parts})`);
}

const settle = () => new Promise((r) => setTimeout(r, 3_000));
const app = await launch();
try {
  const { browser } = app;
  await (await browser.$("//*[@role='treeitem']")).waitForClickable({ timeout: TIMEOUT });
  await settle();
  record("fresh start, idle");

  await openScenario(browser, "6. Agents");
  // Counts finished runs in the page: a button reads "Running…" while a scenario or the
  // collection runs, and no longer when it ends.
  await browser.execute(() => {
    window.__batonRuns = 0;
    let running = false;
    new MutationObserver(() => {
      const now = [...document.querySelectorAll("button")].some((b) => (b.textContent ?? "").startsWith("Running"));
      if (running && !now) window.__batonRuns += 1;
      running = now;
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  const finished = (n, what) =>
    browser.waitUntil(async () => (await browser.execute(() => window.__batonRuns)) >= n, {
      timeout: TIMEOUT * 2,
      interval: 25,
      timeoutMsg: `${what} never finished`,
    });
  const run = await browser.$("//button[starts-with(normalize-space(.), 'Run')]");
  for (let i = 1; i <= RUNS; i += 1) {
    await run.waitForClickable({ timeout: TIMEOUT });
    await run.click();
    await finished(i, `run ${i} of the three-hop scenario`);
    if (i % 20 === 0) record(`after ${i} three-hop runs`);
  }
  const outcome = await browser.$("[aria-label='Last run outcome']");
  console.log(`last three-hop run: ${await outcome.getText()}`);

  for (let i = 1; i <= COLLECTION_RUNS; i += 1) {
    await collectionAction(browser, "Baton demo", "Run collection…");
    const runAll = await browser.$("//button[normalize-space(.)='Run all']");
    await runAll.waitForClickable({ timeout: TIMEOUT });
    await runAll.click();
    await finished(RUNS + i, `collection run ${i}`);
    if (i === 1 || i % 5 === 0) record(`after ${i} collection runs`);
  }
  await settle();
  record("idle again");
  const first = rows[0].total;
  const last = rows[rows.length - 1].total;
  console.log(`growth over the session: ${(last - first).toFixed(0)} MiB (${((last / first - 1) * 100).toFixed(0)}%)`);
} finally {
  await app.stop();
}
