// Measures how long the built UI takes to lay out and draw a run's graph of 50, 500 and 5,000
// tokens in Chromium (Debian's, headless). Not a test: it prints the figures (docs/performance.md).
// Run after `npm run build`:
//
//   node ui/scripts/graph-perf.mjs [sizes…]     (default: 50 500 5000)
//
// For each size, the medians of 3 runs of: the layout; Run clicked → the graph drawn and painted
// at its opening view; a zoom step (+) at that view → painted; "Fit all" → every token in view,
// settled and painted; a zoom step at that view → painted.
//
// The graph is synthetic but shaped like Baton's: chains of delegations, each hop a subject edge
// (solid) and an actor edge (dashed) into the issued token.
import { launchChromium } from "../tests/browser/chromium.mjs";
import { serveDist } from "../tests/browser/server.mjs";

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const SIZES = sizes.length > 0 ? sizes : [50, 500, 5000];
const ROUNDS = 3;

function token(id, step, sub, aud, actChain, issued) {
  return {
    id: `big/${id}`,
    scenario_id: "big",
    step_id: step,
    step_name: `Step ${step}`,
    issued,
    sub,
    aud: [aud],
    scope: ["orders:read", "payments:charge"],
    token_type: issued ? "access_token" : null,
    issuer: "http://127.0.0.1:8693",
    client_id: actChain[0] ?? "web-app",
    act_chain: actChain,
    may_act: null,
    exp: 1767229200,
    opaque: false,
    verified: true,
  };
}

/** About `n` tokens: chains of 4 hops; each hop adds an actor's own token and the issued one. */
function syntheticGraph(n) {
  const nodes = [];
  const edges = [];
  let chain = 0;
  while (nodes.length < n) {
    const user = `user-${chain}`;
    let subject = token(`c${chain}-login`, `c${chain}-login`, user, "gateway", [], true);
    nodes.push(subject);
    const actors = [];
    for (let hop = 1; hop <= 4 && nodes.length < n; hop++) {
      const agent = `agent-${chain}-${hop}`;
      const actor = token(`c${chain}-a${hop}`, `c${chain}-a${hop}`, agent, `svc-${hop}`, [], true);
      actors.unshift(agent);
      const issued = token(`c${chain}-h${hop}`, `c${chain}-h${hop}`, user, `svc-${hop}`, [...actors], true);
      nodes.push(actor);
      if (nodes.length >= n) break;
      nodes.push(issued);
      const step = `c${chain}-h${hop}`;
      const kind = hop === 3 ? "impersonation" : "delegation";
      edges.push({ id: `${step}:subject:${subject.id}`, from: subject.id, to: issued.id, role: "subject", kind, step_id: step });
      edges.push({ id: `${step}:actor:${actor.id}`, from: actor.id, to: issued.id, role: "actor", kind, step_id: step });
      subject = issued;
    }
    chain++;
  }
  return { nodes, edges };
}

function runView(graph) {
  return {
    run_id: 1,
    record: {
      record_version: 1,
      collection: "Perf",
      scenario_id: "big",
      scenario_name: "A big graph",
      environment: null,
      started_at: 1767225600,
      elapsed_ms: 1,
      outcome: "passed",
      steps: [],
    },
    graph,
    steps: [],
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(browser, url, n) {
  const graph = syntheticGraph(n);
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.addInitScript(
    (config) => {
      window.__BATON_TEST__ = config;
    },
    {
      collections: [{ name: "Perf", scenarios: [{ id: "big", name: "A big graph", steps: [] }] }],
      runs: { "Perf/big": runView(graph) },
    },
  );
  await page.goto(url);
  const tree = page.getByRole("tree", { name: "Collections" });
  // A workspace with one collection opens it by itself; a click would close it again.
  const perf = tree.getByRole("treeitem").filter({ has: page.getByText("Perf", { exact: true }) }).first();
  await perf.waitFor();
  if ((await perf.getAttribute("aria-expanded")) !== "true") await tree.getByText("Perf", { exact: true }).click();
  await tree.getByText("A big graph").click();
  await page.getByRole("heading", { level: 1, name: "A big graph" }).waitFor();

  const rounds = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Each round draws a new graph object (same shape, same ids): the scenario is run again, from
    // the opening view (a re-run keeps the view the user has: "Fit all" is undone first).
    if (round > 0) {
      await page.locator('.react-flow__controls-button[aria-label="Readable view"]').click();
      await page.waitForTimeout(100);
    }
    await page.evaluate(() => {
      performance.clearMeasures("baton:graph-layout");
      window.__perfStart = performance.now();
    });
    await page.getByRole("button", { name: /^Run/ }).click();
    await page.waitForFunction(
      (count) =>
        document.querySelector('.graph[data-ready="true"]') !== null &&
        performance.getEntriesByName("baton:graph-layout").length > 0 &&
        document.querySelectorAll(".react-flow__node").length > 0 &&
        document.querySelectorAll(".react-flow__node").length <= count,
      graph.nodes.length,
      { timeout: 60_000 },
    );
    // Two frames: React has committed and the browser has painted after the fit.
    const figures = await page.evaluate(
      () =>
        new Promise((done) =>
          requestAnimationFrame(() =>
            requestAnimationFrame(() => {
              const layout = performance.getEntriesByName("baton:graph-layout").at(-1);
              done({
                total: performance.now() - window.__perfStart,
                layout: layout?.duration ?? NaN,
                drawn: document.querySelectorAll(".react-flow__node").length,
                edges: document.querySelectorAll(".react-flow__edge").length,
              });
            }),
          ),
        ),
    );
    // A zoom step at the opening view: how long until the next frame is painted.
    const zoomStep = () =>
      page.evaluate(async () => {
        const button = document.querySelector(".react-flow__controls-zoomin");
        const start = performance.now();
        button?.dispatchEvent(new MouseEvent("click", { bubbles: true }));
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        return performance.now() - start;
      });
    figures.zoom = await zoomStep();
    // "Fit all": every token in view. Timed until the view stops moving (it glides, 300 ms) and
    // the frame after is painted.
    figures.fit = await page.evaluate(async () => {
      const viewport = document.querySelector(".react-flow__viewport");
      const button = document.querySelector('.react-flow__controls-button[aria-label="Fit all"]');
      if (!button || !viewport) return NaN;
      const frame = () => new Promise((r) => requestAnimationFrame(r));
      await frame();
      const start = performance.now();
      button.dispatchEvent(new MouseEvent("click", { bubbles: true }));
      let last = viewport.style.transform;
      let still = 0;
      for (let i = 0; i < 600 && still < 3; i++) {
        await frame();
        still = viewport.style.transform === last ? still + 1 : 0;
        last = viewport.style.transform;
      }
      // The three still frames are waiting, not work: the time ends at the first of them.
      return performance.now() - start - 2 * (1000 / 60);
    });
    figures.fitDrawn = await page.evaluate(() => document.querySelectorAll(".react-flow__node").length);
    figures.zoomAll = await zoomStep();
    rounds.push(figures);
  }
  await context.close();
  return {
    tokens: graph.nodes.length,
    edges: graph.edges.length,
    layout: median(rounds.map((r) => r.layout)),
    total: median(rounds.map((r) => r.total)),
    drawn: rounds.at(-1).drawn,
    drawnEdges: rounds.at(-1).edges,
    zoom: median(rounds.map((r) => r.zoom)),
    fit: median(rounds.map((r) => r.fit)),
    fitDrawn: rounds.at(-1).fitDrawn,
    zoomAll: median(rounds.map((r) => r.zoomAll)),
  };
}

const server = await serveDist();
const browser = await launchChromium();
try {
  console.log(`Graph layout and drawing in Chromium (${ROUNDS} rounds each, medians)\n`);
  console.log("tokens  edges  layout  run → drawn  drawn nodes/edges  zoom step  fit all  drawn  zoom step at fit all");
  for (const n of SIZES) {
    const r = await measure(browser, server.url, n);
    const ms = (x, w) => `${x.toFixed(0).padStart(w)} ms`;
    console.log(
      `${String(r.tokens).padStart(6)}  ${String(r.edges).padStart(5)}  ${ms(r.layout, 3)}  ${ms(r.total, 8)}  ${`${r.drawn}/${r.drawnEdges}`.padStart(17)}  ${ms(r.zoom, 6)}  ${ms(r.fit, 4)}  ${String(r.fitDrawn).padStart(5)}  ${ms(r.zoomAll, 17)}`,
    );
  }
} finally {
  await browser.close();
  await server.close();
}
