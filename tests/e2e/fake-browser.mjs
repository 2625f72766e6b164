#!/usr/bin/env node
// A stand-in for the system browser in the end-to-end tests (BATON_BROWSER runs it with the URL
// as its one argument): it does what a person does on the lab's sign-in page. It GETs the page,
// sends its hidden fields back with a user's name, password and decision, and follows the lab's
// 303 to Baton's loopback callback.
//
// BATON_FAKE_BROWSER_CONTROL names a file that says what to do, read at each call: `allow`
// (the default: sign in as alice and allow), `deny`, or `ignore` (open nothing: the user walks
// away, and the app waits). BATON_FAKE_BROWSER_DELAY_MS waits before signing in, so the test can
// see the app waiting. What it did goes to BATON_FAKE_BROWSER_LOG, if set.
import { appendFileSync, existsSync, readFileSync } from "node:fs";

const url = process.argv[2];
const log = (line) => {
  if (process.env.BATON_FAKE_BROWSER_LOG) appendFileSync(process.env.BATON_FAKE_BROWSER_LOG, `${new Date().toISOString()} ${line}\n`);
};

const control = process.env.BATON_FAKE_BROWSER_CONTROL;
const mode = control && existsSync(control) ? readFileSync(control, "utf8").trim() || "allow" : "allow";
const user = { username: process.env.BATON_FAKE_BROWSER_USER ?? "alice", password: process.env.BATON_FAKE_BROWSER_PASSWORD ?? "alice-password" };

/** The page's `<input type="hidden" name="…" value="…">` fields, unescaped. */
function hiddenFields(html) {
  const unescape = (v) => v.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  const fields = [];
  for (const tag of html.match(/<input\b[^>]*>/gi) ?? []) {
    if (!/type="hidden"/i.test(tag)) continue;
    const name = tag.match(/name="([^"]*)"/i)?.[1];
    const value = tag.match(/value="([^"]*)"/i)?.[1] ?? "";
    if (name) fields.push([unescape(name), unescape(value)]);
  }
  return fields;
}

async function signIn() {
  if (!url) throw new Error("no URL given");
  if (mode === "ignore") {
    log(`ignored ${url}`);
    return;
  }
  const delay = Number(process.env.BATON_FAKE_BROWSER_DELAY_MS ?? 0);
  if (delay > 0) await new Promise((r) => setTimeout(r, Math.min(delay, 30_000)));
  const page = await fetch(url, { redirect: "manual" });
  if (page.status !== 200) throw new Error(`GET ${url}: ${page.status}`);
  const form = new URLSearchParams(hiddenFields(await page.text()));
  form.set("username", user.username);
  form.set("password", user.password);
  form.set("decision", mode === "deny" ? "deny" : "allow");
  const posted = await fetch(new URL("/authorize", url), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form,
    redirect: "manual",
  });
  const location = posted.headers.get("location");
  if (posted.status !== 303 || !location) throw new Error(`POST /authorize: ${posted.status}, no redirect`);
  const callback = await fetch(location, { redirect: "manual" });
  log(`${mode} as ${user.username}: callback answered ${callback.status}`);
}

signIn().catch((e) => {
  log(`failed: ${e.message}`);
  process.exitCode = 1;
});
