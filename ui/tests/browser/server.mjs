// Serves the built UI (ui/dist) on a random loopback port, with the mocked IPC put in front of
// the app: index.html gets a module script, /__test/boot.mjs, that installs Tauri's mockIPC with
// the fake shell (../fake-backend.mjs) before the app's own module runs.
import { createServer } from "node:http";
import { existsSync, readFileSync, statSync } from "node:fs";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const uiRoot = resolve(here, "..", "..");
export const distDir = join(uiRoot, "dist");
const fixturesDir = join(uiRoot, "src", "fixtures");
const tauriConf = join(uiRoot, "..", "src-tauri", "tauri.conf.json");

/** The app's Content-Security-Policy (src-tauri/tauri.conf.json), so that the tests fail on
 * anything the app's window would block. The IPC sources are left out: the mocks use none. */
function appCsp() {
  const fallback = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'";
  if (!existsSync(tauriConf)) return fallback;
  const csp = JSON.parse(readFileSync(tauriConf, "utf8"))?.app?.security?.csp;
  return typeof csp === "string" ? csp : fallback;
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

const BOOT = `
import { mockIPC, mockWindows } from "/__test/tauri-mocks.js";
import { createFakeBackend } from "/__test/fake-backend.mjs";
import demo from "/__test/fixtures/demo-collection.js";
import agentChain from "/__test/fixtures/agent-chain.js";
import refusals from "/__test/fixtures/refusals-failed.js";
import compareAiAssistant from "/__test/fixtures/compare-ai-assistant.js";
import probeLab from "/__test/fixtures/probe-lab.js";
import probeLabVulnerable from "/__test/fixtures/probe-lab-vulnerable.js";

const config = window.__BATON_TEST__ ?? {};
const emit = (event, payload) => window.__TAURI_INTERNALS__.invoke("plugin:event|emit", { event, payload });
const backend = createFakeBackend({
  collections: config.collections ?? [demo, { name: "Scratch" }],
  runs: config.runs ?? { [demo.name + "/agent-chain"]: agentChain, [demo.name + "/refusals"]: refusals },
  failures: config.failures ?? {},
  holdRuns: config.holdRuns ?? false,
  compares: config.compares ?? { [demo.name + "/ai-assistant/airline"]: compareAiAssistant },
  ...(config.keyring ? { keyring: config.keyring } : {}),
  holdCollectionRuns: config.holdCollectionRuns ?? false,
  // By name, in the order run_probes answers with them: "vulnerable" (a check off) or "honest".
  probeReports: (config.probeReports ?? ["vulnerable", "honest"]).map((n) => (n === "honest" ? probeLab : probeLabVulnerable).report),
  holdProbeRuns: config.holdProbeRuns ?? false,
  emit,
});
if (config.history) for (const key of config.history) backend.addHistory(key === "agent-chain" ? agentChain : refusals);
mockWindows("main");
mockIPC((cmd, args) => backend.handle(cmd, args), { shouldMockEvents: true });
window.__baton = { backend, fixtures: { demo, agentChain, refusals, compareAiAssistant, probeLab, probeLabVulnerable } };
`;

function send(res, status, type, body, headers = {}) {
  res.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store", ...headers });
  res.end(body);
}

function testFile(path) {
  if (path === "/__test/boot.mjs") return { type: TYPES[".mjs"], body: BOOT };
  if (path === "/__test/tauri-mocks.js") {
    return { type: TYPES[".js"], body: readFileSync(fileURLToPath(import.meta.resolve("@tauri-apps/api/mocks")), "utf8") };
  }
  if (path === "/__test/fake-backend.mjs") return { type: TYPES[".mjs"], body: readFileSync(join(uiRoot, "tests", "fake-backend.mjs"), "utf8") };
  const fixture = /^\/__test\/fixtures\/([a-z0-9-]+)\.js$/.exec(path);
  if (fixture && existsSync(join(fixturesDir, `${fixture[1]}.json`))) {
    return { type: TYPES[".js"], body: `export default ${readFileSync(join(fixturesDir, `${fixture[1]}.json`), "utf8")};` };
  }
  return null;
}

/** Starts the server; resolves to its base URL and a `close()`. */
export function serveDist() {
  if (!existsSync(join(distDir, "index.html"))) {
    throw new Error(`${distDir} has no index.html: build the UI first (npm run build)`);
  }
  const csp = appCsp();
  const index = readFileSync(join(distDir, "index.html"), "utf8").replace(
    "<head>",
    '<head>\n    <script type="module" src="/__test/boot.mjs"></script>',
  );
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    if (path === "/" || path === "/index.html") {
      return send(res, 200, TYPES[".html"], index, { "Content-Security-Policy": csp });
    }
    if (path.startsWith("/__test/")) {
      const file = testFile(path);
      return file ? send(res, 200, file.type, file.body) : send(res, 404, "text/plain", "not found");
    }
    const full = normalize(join(distDir, path));
    if (!full.startsWith(distDir + sep) || !existsSync(full) || !statSync(full).isFile()) {
      return send(res, 404, "text/plain", "not found");
    }
    send(res, 200, TYPES[extname(full)] ?? "application/octet-stream", readFileSync(full));
  });
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
      ok({ url: `http://127.0.0.1:${port}/`, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}
