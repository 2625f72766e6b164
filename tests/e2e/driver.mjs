// Starts the real app through tauri-driver (WebKitWebDriver underneath) on an empty data
// directory, and gives the tests a WebdriverIO session. Run under Xvfb (scripts/test.sh does).
import { spawn } from "node:child_process";
import { mkdtempSync, existsSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { remote } from "webdriverio";

const root = path.resolve(import.meta.dirname, "../..");
const targetDir = process.env.CARGO_TARGET_DIR
  ? path.resolve(root, process.env.CARGO_TARGET_DIR)
  : path.join(root, "target");
export const application = path.join(targetDir, "debug", "baton-app");

// tauri-driver's ports are fixed per run: one end-to-end run at a time on a port
// (BATON_E2E_PORT moves it, e.g. for taking screenshots while tests run).
const PORT = Number(process.env.BATON_E2E_PORT ?? 4444);

function portOpen(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port }, () => {
      socket.end();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

async function waitForPort(port, seconds) {
  for (let i = 0; i < seconds * 10; i += 1) {
    if (await portOpen(port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`tauri-driver did not listen on 127.0.0.1:${port} within ${seconds} s`);
}

/** The `baton` command line built beside the app (cargo test builds it too). */
export const cli = path.join(targetDir, "debug", "baton");

/**
 * Launches the app with a fresh data directory; returns { browser, dataDir, stop }.
 * `prepare(dataDir)` runs before the app starts, e.g. to import a collection with `baton`; it may
 * return more environment variables for the app (e.g. BATON_BROWSER).
 */
export async function launch({ prepare } = {}) {
  if (!existsSync(application)) {
    throw new Error(`${application} does not exist: build it with cargo build -p baton-app`);
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), "baton-e2e-"));
  const env = (prepare ? await prepare(dataDir) : null) ?? {};
  // Its own process group, so stopping it stops WebKitWebDriver and the app with it; and pipes
  // of its own, so a process left behind can never hold the test runner's output open.
  const driver = spawn("tauri-driver", ["--port", String(PORT), "--native-port", String(PORT + 1)], {
    // BATON_KEYRING=off: a test never writes to the keyring of the machine it runs on.
    env: { ...process.env, ...env, BATON_DATA_DIR: dataDir, BATON_KEYRING: "off" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  driver.stdout.on("data", (chunk) => process.stdout.write(chunk));
  driver.stderr.on("data", (chunk) => process.stderr.write(chunk));
  const killGroup = () => {
    try {
      process.kill(-driver.pid, "SIGKILL");
    } catch {
      // already gone
    }
    driver.stdout.destroy();
    driver.stderr.destroy();
  };
  let browser;
  try {
    await waitForPort(PORT, 20);
    browser = await remote({
      hostname: "127.0.0.1",
      port: PORT,
      logLevel: "warn",
      connectionRetryCount: 2,
      capabilities: {
        browserName: "wry",
        "tauri:options": { application },
        "wdio:enforceWebDriverClassic": true,
      },
    });
  } catch (e) {
    killGroup();
    throw e;
  }
  const stop = async () => {
    try {
      await browser.deleteSession();
    } finally {
      killGroup();
    }
  };
  return { browser, dataDir, stop };
}

const STEP_TIMEOUT = 20_000;

/** Chooses `action` ("Run collection…", "Environments…") from the "⋯" menu of `collection`'s row
 * in the sidebar. The row is clicked first: the "⋯" of the selected row is always shown. */
export async function collectionAction(browser, collection, action) {
  const row = await browser.$(`//*[@role='treeitem']//*[contains(@class, 'tree__label') and .='${collection}']`);
  await row.waitForClickable({ timeout: STEP_TIMEOUT });
  await row.click();
  const menu = await browser.$(`//button[@aria-label='Actions for “${collection}”']`);
  await menu.waitForClickable({ timeout: STEP_TIMEOUT });
  await menu.click();
  const item = await browser.$(`//*[@role='menu']//*[@role='menuitem' and normalize-space(.)='${action}']`);
  await item.waitForClickable({ timeout: STEP_TIMEOUT });
  await item.click();
}

/** Opens the scenario whose name starts with `prefix` from the sidebar. */
export async function openScenario(browser, prefix) {
  const label = await browser.$(`//*[@role='treeitem']//*[contains(@class, 'tree__label') and starts-with(., '${prefix}')]`);
  await label.waitForClickable({ timeout: STEP_TIMEOUT });
  await label.click();
}

/** Presses Run on the open scenario and waits for its outcome to read `expected` ("passed", "failed"). */
export async function runOpenScenario(browser, expected) {
  const run = await browser.$("//button[starts-with(normalize-space(.), 'Run')]");
  await run.waitForClickable({ timeout: STEP_TIMEOUT });
  await run.click();
  const outcome = await browser.$("[aria-label='Last run outcome']");
  await outcome.waitForExist({ timeout: STEP_TIMEOUT });
  await browser.waitUntil(async () => (await outcome.getText()).includes(expected), {
    timeout: STEP_TIMEOUT,
    timeoutMsg: `the scenario's outcome never read "${expected}"`,
  });
}
