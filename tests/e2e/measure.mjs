// Measures the real app (not a test): launch to interactive window, and idle memory of the app
// with its WebKit processes as proportional set size (PSS, so shared pages count once).
// Run: xvfb-run -a -s "-screen 0 1280x800x24" node tests/e2e/measure.mjs   (scripts/measure-app.sh)
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";

import { application, launch } from "./driver.mjs";

const ROUNDS = Number(process.env.ROUNDS ?? 3);

function children(pid) {
  const out = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
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

function comm(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "?";
  }
}

/** The app's process and everything below it (WebKitWebProcess, WebKitNetworkProcess). */
function appTree() {
  const name = path.basename(application).slice(0, 15);
  const roots = readdirSync("/proc").filter((e) => /^\d+$/.test(e)).map(Number).filter((p) => comm(p) === name);
  const all = [];
  const walk = (p) => {
    all.push(p);
    children(p).forEach(walk);
  };
  roots.forEach(walk);
  return all;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const launches = [];
const memories = [];
for (let round = 0; round < ROUNDS; round += 1) {
  const started = performance.now();
  const app = await launch();
  try {
    const { browser } = app;
    const item = await browser.$("//*[@role='treeitem']");
    await item.waitForClickable({ timeout: 30_000 });
    launches.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, 5_000)); // idle
    const tree = appTree();
    const total = tree.reduce((sum, p) => sum + pssKiB(p), 0);
    memories.push(total / 1024);
    if (round === 0) {
      console.log(`processes: ${tree.map((p) => `${comm(p)} ${(pssKiB(p) / 1024).toFixed(0)} MiB`).join(", ")}`);
    }
  } finally {
    await app.stop();
  }
}
console.log(`launch to interactive window: median ${median(launches).toFixed(0)} ms over ${ROUNDS} launches (${launches.map((x) => x.toFixed(0)).join(", ")})`);
console.log(`idle memory (PSS, app + WebKit processes): median ${median(memories).toFixed(0)} MiB`);
