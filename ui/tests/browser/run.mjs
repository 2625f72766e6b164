// Runs the browser tests (*.spec.mjs beside this file) on the built UI in Debian's Chromium,
// with mocked IPC. Each test gets a fresh page and a bounded time; the last line is
// `N passed, N failed`. Usage: node tests/browser/run.mjs [name filter]
import { readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { join } from "node:path";

import { launchChromium } from "./chromium.mjs";
import { serveDist } from "./server.mjs";

const TEST_TIMEOUT_MS = 30_000;
const here = fileURLToPath(new URL(".", import.meta.url));
const filter = process.argv[2] ?? "";

const specs = readdirSync(here).filter((f) => f.endsWith(".spec.mjs")).sort();
const tests = [];
for (const file of specs) {
  const mod = await import(pathToFileURL(join(here, file)).href);
  for (const t of mod.tests) if (t.name.includes(filter)) tests.push({ ...t, file });
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const server = await serveDist();
const browser = await launchChromium();
let passed = 0;
let failed = 0;
try {
  for (const t of tests) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const pageErrors = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    // A 404 is reported by the response handler with its URL; the console only repeats it.
    page.on("console", (m) => m.type() === "error" && !/Failed to load resource/.test(m.text()) && pageErrors.push(`console: ${m.text()}`));
    page.on("response", (r) => r.status() >= 400 && !r.url().endsWith("/favicon.ico") && pageErrors.push(`${r.status()} ${r.url()}`));
    await page.addInitScript((config) => {
      window.__BATON_TEST__ = config;
    }, t.config ?? {});
    const started = Date.now();
    try {
      await withTimeout(
        (async () => {
          await page.goto(server.url);
          await t.run({ page, url: server.url });
        })(),
        TEST_TIMEOUT_MS,
        `"${t.name}"`,
      );
      if (pageErrors.length > 0) throw new Error(`the page reported errors:\n    ${pageErrors.join("\n    ")}`);
      passed++;
      console.log(`ok   ${t.file} › ${t.name} (${Date.now() - started} ms)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${t.file} › ${t.name} (${Date.now() - started} ms)\n  ${String(e?.stack ?? e).split("\n").slice(0, 8).join("\n  ")}`);
    } finally {
      await context.close();
    }
  }
} finally {
  await browser.close();
  await server.close();
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 || tests.length === 0 ? 1 : 0);
