// What script running in the real app's window cannot do, whatever it sends over IPC: name a
// file to read or write (only a file the user picked in Baton's own dialog is used), open a file
// dialog itself, or apply an inline style (the Content-Security-Policy) — while the UI's own
// styling still applies.
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";

import { launch } from "./driver.mjs";

let app;

before(async () => {
  app = await launch();
});

after(async () => {
  await app?.stop();
});

/** Sends one IPC command from the window, as any script in it could; its answer or its refusal.
 * WebKitWebDriver reports a rejected command as a script error, so that is a refusal too. */
async function invoke(browser, cmd, args) {
  try {
    return await browser.executeAsync(
      (cmd, args, done) => {
        window.__TAURI_INTERNALS__.invoke(cmd, args).then(
          (value) => done({ ok: true, value }),
          (error) => done({ ok: false, error: typeof error === "string" ? error : JSON.stringify(error) }),
        );
      },
      cmd,
      args,
    );
  } catch (e) {
    return { ok: false, error: String(e?.message ?? e) };
  }
}

test("a path sent from the window is neither written nor read", async () => {
  const { browser, dataDir } = app;
  const target = path.join(dataDir, "overwritten.baton.toml");
  writeFileSync(target, "kept");

  const exported = await invoke(browser, "export_collection", { name: "Baton demo", grant: target, path: target });
  assert.equal(exported.ok, false, "an export to a path the window named is refused");
  assert.match(exported.error, /pick in its own dialog/);
  assert.equal(readFileSync(target, "utf8"), "kept");

  const diagram = await invoke(browser, "export_diagram", { runId: 1, grant: target, format: "svg", path: target });
  assert.equal(diagram.ok, false);
  assert.equal(readFileSync(target, "utf8"), "kept");

  const store = path.join(dataDir, "baton.sqlite");
  const imported = await invoke(browser, "import_collection", { grant: store, path: store });
  assert.equal(imported.ok, false, "reading a path the window named is refused");
  assert.match(imported.error, /pick in its own dialog/);

  const guessed = await invoke(browser, "export_collection", { name: "Baton demo", grant: "file-1" });
  assert.equal(guessed.ok, false, "a grant no dialog gave is refused");
  assert.ok(!existsSync(path.join(dataDir, "file-1")));
});

test("the window cannot open a file dialog of its own", async () => {
  const { browser } = app;
  const save = await invoke(browser, "plugin:dialog|save", { options: { defaultPath: "/tmp/x.toml" } });
  assert.equal(save.ok, false, "the dialog plugin's save is not allowed to the window");
  assert.match(save.error, /not allowed/i);
  const open = await invoke(browser, "plugin:dialog|open", { options: {} });
  assert.equal(open.ok, false);
});

test("an inline style is refused by the window's policy; the stylesheet and React's style props apply", async () => {
  const { browser } = app;
  const result = await browser.execute(() => {
    const probe = document.createElement("div");
    probe.innerHTML = '<p style="color: rgb(1, 2, 3)">x</p><p>y</p>';
    document.body.append(probe);
    const [marked, plain] = probe.children;
    // What React does with a style prop: the CSSOM, which the policy allows.
    plain.style.color = "rgb(4, 5, 6)";
    const colors = [getComputedStyle(marked).color, getComputedStyle(plain).color];
    probe.remove();
    return { colors, font: getComputedStyle(document.documentElement).getPropertyValue("--font") };
  });
  assert.notEqual(result.colors[0], "rgb(1, 2, 3)", "an inline style attribute was applied");
  assert.equal(result.colors[1], "rgb(4, 5, 6)", "a style set through the CSSOM was not applied");
  assert.match(result.font, /system-ui/, "the app's stylesheet did not load");
});
