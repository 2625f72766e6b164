// Measures how long the built UI takes to lay out and draw a run's graph of 50 and of 500 tokens
// in Chromium (Debian's, headless). Not a test: it prints the figures. Run after `npm run build`:
//
//   node ui/scripts/graph-perf.mjs [sizes…]     (default: 50 500)
//
// The graph is synthetic but shaped like Baton's: chains of delegations, each hop a subject edge
// (solid) and an actor edge (dashed) into the issued token.
import { launchChromium } from "../tests/browser/chromium.mjs";
import { serveDist } from "../tests/browser/server.mjs";

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const SIZES = sizes.length > 0 ? sizes : [50, 500];
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
    // Each round draws a new graph object (same shape): leave the scenario and run it again.
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
    // A zoom step with everything in view: how long until the next frame is painted.
    figures.zoom = await page.evaluate(async () => {
      const button = document.querySelector(".react-flow__controls-zoomin");
      const start = performance.now();
      button?.dispatchEvent(new MouseEvent("click", { bubbles: true }));
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return performance.now() - start;
    });
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
  };
}

const server = await serveDist();
const browser = await launchChromium();
try {
  console.log(`Graph layout and drawing in Chromium (${ROUNDS} rounds each, medians; ELK in a web worker)\n`);
  console.log("tokens  edges  layout (ELK)  run → drawn  DOM nodes/edges  zoom step → painted");
  for (const n of SIZES) {
    const r = await measure(browser, server.url, n);
    console.log(
      `${String(r.tokens).padStart(6)}  ${String(r.edges).padStart(5)}  ${r.layout.toFixed(0).padStart(9)} ms  ${r.total
        .toFixed(0)
        .padStart(8)} ms  ${`${r.drawn}/${r.drawnEdges}`.padStart(15)}  ${r.zoom.toFixed(0).padStart(16)} ms`,
    );
  }
} finally {
  await browser.close();
  await server.close();
}
