// An in-memory stand-in for the app's Rust shell (docs/ipc.md), for tests with mocked IPC:
// Vitest passes its handler to `mockIPC`, the browser tests inject it into the built page.
// Plain JavaScript without imports, so a browser can load it as it is.

const clone = (v) => (v === undefined ? v : JSON.parse(JSON.stringify(v)));
const fail = (code, message) => Promise.reject({ code, message, detail: null });

function summary(collection, updatedAt) {
  return {
    name: collection.name,
    description: collection.description ?? null,
    scenario_count: (collection.scenarios ?? []).length,
    updated_at: updatedAt,
  };
}

/**
 * @param {object} options
 * @param {object[]} options.collections  the store's collections
 * @param {Record<string, object>} [options.runs]  canned RunViews by `collection/scenarioId`
 * @param {Record<string, object>} [options.failures]  an IpcError to reject with, by command
 * @param {object} [options.discovery]  what `discover` returns
 * @param {object[]} [options.connectionChecks]  the checks `test_connection` reports (a canned
 *   report, two passed and one failed, when not given)
 * @param {(event: string, payload: unknown) => unknown} options.emit  sends an app event
 * @param {boolean} [options.holdRuns]  `run_scenario` waits for `releaseRun()` after its events
 * @param {boolean} [options.holdCollectionRuns]  `run_collection` pauses in each scenario it has a
 *   canned run for, after that scenario's first step, until `releaseCollectionRun()` or a cancel
 * @param {{ open?: string | null, save?: string | null }} [options.dialog]  what the file dialogs answer
 * @param {Record<string, object>} [options.compares]  canned CompareViews for `compare_step`, by
 *   `collection/scenarioId/stepId`
 * @param {string} [options.labPolicy]  the lab's built-in policy (TOML; a short one when not given)
 * @param {object[]} [options.labRequests]  the lab's request log, newest first (a canned one when not given)
 * @param {Record<string, object>} [options.importFiles]  the collection each importable path holds
 *   (any other path is a broken file)
 * @param {boolean} [options.holdImports]  `import_collection` waits for `releaseImport()`
 * @param {{ available: boolean, problem: string | null }} [options.keyring]  the OS keyring's
 *   state (available when not given); without one, secrets are kept in the store
 * @param {object[]} [options.probeReports]  the `ProbeReport`s `run_probes` answers with, in
 *   turn (the first for the first run, and so on, from the start again after the last); the
 *   catalogue is the first one's probes
 * @param {boolean} [options.holdProbeRuns]  `run_probes` pauses after its first probe until
 *   `releaseProbeRun()` or a cancel
 */
export function createFakeBackend(options) {
  const store = new Map(options.collections.map((c) => [c.name, clone(c)]));
  const runs = new Map(Object.entries(options.runs ?? {}));
  const failures = { ...(options.failures ?? {}) };
  const calls = [];
  const history = new Map();
  let release = null;
  let releaseImport = null;
  /** The files the fake dialogs answered with, by grant (as the shell keeps them). */
  const grants = new Map();
  let grantCount = 0;
  /** The path a grant stands for, once and for its purpose only; null otherwise. */
  const takeGrant = (grant, purpose) => {
    const granted = grants.get(grant);
    if (!granted || granted.purpose !== purpose) return null;
    grants.delete(grant);
    return granted.path;
  };
  const keyring = options.keyring ?? { available: true, problem: null };
  const secrets = new Map();
  const secretsView = () => ({
    keyring: clone(keyring),
    secrets: [...secrets.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, s]) => ({ name, stored_in: s.stored_in })),
  });
  let clock = 1767225600;
  // The window as presentation mode sets it.
  const appWindow = { fullscreen: false };

  const lab = {
    base_url: "http://127.0.0.1:8693",
    issuer: "http://127.0.0.1:8693",
    clients: ["web-app", "order-service"],
    users: ["alice", "bob"],
  };

  async function runScenario({ collection, scenarioId }) {
    const view = runs.get(`${collection}/${scenarioId}`);
    if (!store.has(collection)) return fail("not_found", `no collection named “${collection}”`);
    if (!view) return fail("not_found", `no scenario “${scenarioId}” in “${collection}”`);
    const steps = view.record.steps;
    for (let index = 0; index < steps.length; index++) {
      const step = steps[index];
      const base = { collection, scenario_id: scenarioId, index, step_id: step.id };
      await options.emit("run-progress", { ...base, phase: "started", record: null });
      await new Promise((r) => setTimeout(r, 5));
      await options.emit("run-progress", { ...base, phase: "finished", record: step });
    }
    if (options.holdRuns) await new Promise((r) => (release = r));
    const id = history.size + 1;
    history.set(id, view);
    return clone({ ...view, run_id: id });
  }

  // The collection run going, if any: whether it was asked to stop, and how to resume it.
  let collectionRun = null;

  /** Each scenario asked for, in collection order: a canned run replays its steps as events and is
   * saved; a scenario without one errs. A cancel stops the scenario in progress ("cancelled") and
   * leaves the rest "not_run". */
  async function runCollection({ collection, scenarioIds, environment }) {
    if (!store.has(collection)) return fail("not_found", `no collection named “${collection}”`);
    if (collectionRun) return fail("conflict", "a collection run is already going");
    const all = store.get(collection).scenarios ?? [];
    const unknown = (scenarioIds ?? []).find((id) => !all.some((s) => s.id === id));
    if (unknown) return fail("not_found", `no scenario “${unknown}” in “${collection}”`);
    const chosen = scenarioIds ? all.filter((s) => scenarioIds.includes(s.id)) : all;
    // A release that comes before the pause (the test saw the step start) lets it pass at once.
    const run = (collectionRun = { cancelled: false, resume: null, released: 0 });
    const pause = () => {
      if (run.released > 0) {
        run.released--;
        return Promise.resolve();
      }
      return new Promise((r) => (run.resume = () => ((run.resume = null), r())));
    };
    const results = [];
    try {
      for (let position = 0; position < chosen.length; position++) {
        const scenario = chosen[position];
        const result = { scenario_id: scenario.id, scenario_name: scenario.name, status: "not_run", run: null, error: null };
        results.push(result);
        if (run.cancelled) continue;
        const progress = { collection, scenario_id: scenario.id, position, total: chosen.length };
        await options.emit("collection-progress", { ...progress, phase: "started", status: null, run_id: null });
        const view = runs.get(`${collection}/${scenario.id}`);
        if (!view) {
          result.status = "error";
          result.error = `the fake backend has no run of “${scenario.id}”`;
        } else {
          const steps = view.record.steps;
          for (let index = 0; index < steps.length && !run.cancelled; index++) {
            const step = steps[index];
            const base = { collection, scenario_id: scenario.id, index, step_id: step.id };
            await options.emit("run-progress", { ...base, phase: "started", record: null });
            await new Promise((r) => setTimeout(r, 5));
            await options.emit("run-progress", { ...base, phase: "finished", record: step });
            if (index === 0 && options.holdCollectionRuns && !run.cancelled) await pause();
          }
          if (run.cancelled) {
            result.status = "cancelled";
          } else {
            const id = history.size + 1;
            // Each saved run a minute after the one before, so the history tells them apart.
            const saved = { ...view, record: { ...view.record, environment, started_at: view.record.started_at + id * 60 } };
            history.set(id, saved);
            result.status = view.record.outcome;
            result.run = { ...saved, run_id: id };
          }
        }
        await options.emit("collection-progress", {
          ...progress,
          phase: "finished",
          status: result.status,
          run_id: result.run?.run_id ?? null,
        });
      }
      return clone({ collection, environment, cancelled: run.cancelled, results });
    } finally {
      collectionRun = null;
    }
  }

  /** What changed between two saved runs, computed simply: outcome, and per step its status,
   * top-level claims (leaving out those that change on every issuance), findings and assertions. */
  function diffRuns({ before, after }) {
    if (!history.has(before)) return fail("not_found", `no run ${before}`);
    if (!history.has(after)) return fail("not_found", `no run ${after}`);
    const b = history.get(before).record;
    const a = history.get(after).record;
    const scenario_id = a.scenario_id;
    const changes = [];
    const same = (x, y) => JSON.stringify(x) === JSON.stringify(y);
    if (b.outcome !== a.outcome) changes.push({ scenario_id, step_id: null, change: "outcome", before: b.outcome, after: a.outcome });
    for (const bs of b.steps) {
      const as = a.steps.find((s) => s.id === bs.id);
      const step_id = bs.id;
      if (!as) {
        changes.push({ scenario_id, step_id, change: "step", only: "before" });
        continue;
      }
      if (bs.status !== as.status) changes.push({ scenario_id, step_id, change: "status", before: bs.status, after: as.status });
      const claims = (s) => (s.token?.decoded.kind === "jwt" ? s.token.decoded.claims : {});
      const [bc, ac] = [claims(bs), claims(as)];
      for (const path of [...new Set([...Object.keys(bc), ...Object.keys(ac)])].sort()) {
        if (["iat", "nbf", "exp", "jti", "auth_time"].includes(path) || same(bc[path], ac[path])) continue;
        changes.push({ scenario_id, step_id, change: "claim", path, before: bc[path] ?? null, after: ac[path] ?? null });
      }
      for (const f of as.findings) {
        if (!bs.findings.some((x) => x.id === f.id)) changes.push({ scenario_id, step_id, change: "finding_added", id: f.id, severity: f.severity, message: f.message });
      }
      for (const f of bs.findings) {
        if (!as.findings.some((x) => x.id === f.id)) changes.push({ scenario_id, step_id, change: "finding_removed", id: f.id, severity: f.severity, message: f.message });
      }
      const outcomes = (s) => new Map(s.assertions.map((o) => [JSON.stringify(o.assertion), o.passed]));
      const [bo, ao] = [outcomes(bs), outcomes(as)];
      for (const key of new Set([...bo.keys(), ...ao.keys()])) {
        if (bo.get(key) !== ao.get(key)) changes.push({ scenario_id, step_id, change: "assertion", assertion: key, before: bo.get(key) ?? null, after: ao.get(key) ?? null });
      }
    }
    for (const as of a.steps) {
      if (!b.steps.some((s) => s.id === as.id)) changes.push({ scenario_id, step_id: as.id, change: "step", only: "after" });
    }
    return { changes };
  }

  const fakeLab = createFakeLab(options, history);
  const fakeProbes = createFakeProbes(options, store);

  const commands = {
    ...fakeLab,
    ...fakeProbes.commands,
    workspace: () => ({
      collections: [...store.values()].map((c) => summary(c, clock)),
      lab,
      data_dir: "/tmp/baton-test",
      ...(options.opens ? { opens: options.opens } : {}),
    }),
    load_collection: ({ name }) => (store.has(name) ? clone(store.get(name)) : fail("not_found", `no collection named “${name}”`)),
    save_collection: ({ collection }) => {
      store.set(collection.name, clone(collection));
      return summary(collection, ++clock);
    },
    rename_collection: ({ from, to }) => {
      if (!store.has(from)) return fail("not_found", `no collection named “${from}”`);
      if (store.has(to)) return fail("conflict", `a collection named “${to}” already exists`);
      const c = { ...store.get(from), name: to };
      store.delete(from);
      store.set(to, c);
      return summary(c, ++clock);
    },
    duplicate_collection: ({ from, to }) => {
      if (!store.has(from)) return fail("not_found", `no collection named “${from}”`);
      if (store.has(to)) return fail("conflict", `a collection named “${to}” already exists`);
      const c = { ...clone(store.get(from)), name: to };
      store.set(to, c);
      return summary(c, ++clock);
    },
    delete_collection: ({ name }) => {
      if (!store.has(name)) return fail("not_found", `no collection named “${name}”`);
      const c = store.get(name);
      store.delete(name);
      return clone(c);
    },
    run_scenario: runScenario,
    run_collection: runCollection,
    cancel_collection_run: () => {
      if (!collectionRun) return false;
      collectionRun.cancelled = true;
      collectionRun.resume?.();
      return true;
    },
    diff_runs: diffRuns,
    list_runs: ({ collection, scenarioId }) =>
      [...history.entries()]
        .filter(([, v]) => v.record.collection === collection && v.record.scenario_id === scenarioId)
        .reverse()
        .map(([id, v]) => ({
          id,
          scenario_id: scenarioId,
          started_at: v.record.started_at,
          outcome: v.record.outcome,
          elapsed_ms: v.record.elapsed_ms,
        })),
    load_run: ({ id }) => (history.has(id) ? clone({ ...history.get(id), run_id: id }) : fail("not_found", `no run ${id}`)),
    discover: ({ issuer }) =>
      options.discovery ? clone(options.discovery) : fail("transport", `${issuer} could not be reached: connection refused`),
    test_connection: ({ collection, serverId }) => {
      if (!store.has(collection)) return fail("not_found", `no collection named “${collection}”`);
      const server = (store.get(collection).servers ?? []).find((s) => s.id === serverId);
      if (!server) return fail("not_found", `no server “${serverId}” in “${collection}”`);
      const base = server.issuer ?? server.token_endpoint;
      const checks = options.connectionChecks ?? [
        { name: "token_endpoint", url: server.token_endpoint, ok: true, status: 400, detail: "answers with an OAuth error (invalid_request)" },
        { name: "jwks", url: server.jwks_uri ?? `${base}/jwks`, ok: true, status: 200, detail: "2 keys" },
        {
          name: "metadata",
          url: `${base}/.well-known/oauth-authorization-server`,
          ok: false,
          status: 200,
          detail: "grant_types_supported does not list urn:ietf:params:oauth:grant-type:token-exchange",
        },
      ];
      return { server_id: serverId, checks: clone(checks) };
    },
    choose_file: ({ purpose }) => {
      let path = purpose === "import_collection" ? options.dialog?.open : options.dialog?.save;
      if (!path) return null;
      if (purpose === "export_diagram" && !/\.(svg|png)$/i.test(path)) path = `${path}.svg`;
      const grant = `file-${++grantCount}`;
      grants.set(grant, { path, purpose });
      return { grant, path };
    },
    import_collection: async ({ grant }) => {
      const path = takeGrant(grant, "import_collection");
      if (path === null) return fail("invalid_input", `${grant} is not a file chosen in Baton's dialog`);
      if (options.holdImports) await new Promise((r) => (releaseImport = r));
      const collection = options.importFiles?.[path];
      if (!collection) return fail("invalid_input", `${path}:1:1: not a Baton collection`);
      store.set(collection.name, clone(collection));
      return summary(collection, ++clock);
    },
    list_secrets: () => secretsView(),
    set_secret: ({ name, value }) => {
      if (!name) return fail("invalid_input", "a secret needs a name");
      secrets.set(name, { value, stored_in: keyring.available ? "keyring" : "store" });
      return secretsView();
    },
    delete_secret: ({ name }) => {
      if (!secrets.delete(name)) return fail("not_found", `no secret named “${name}”`);
      return secretsView();
    },
    export_collection: ({ grant }) =>
      takeGrant(grant, "export_collection") === null ? fail("invalid_input", `${grant} is not a file chosen in Baton's dialog`) : null,
    compare_step: ({ collection, scenarioId, stepId }) => {
      const view = options.compares?.[`${collection}/${scenarioId}/${stepId}`];
      return view ? clone(view) : fail("not_found", `the fake backend has no comparison of “${scenarioId}” step “${stepId}”`);
    },
    export_diagram: ({ runId, grant }) => {
      if (!history.has(runId)) return fail("not_found", `no run ${runId}`);
      return takeGrant(grant, "export_diagram") === null ? fail("invalid_input", `${grant} is not a file chosen in Baton's dialog`) : null;
    },
    "plugin:window|is_fullscreen": () => appWindow.fullscreen,
    "plugin:window|set_fullscreen": ({ value }) => {
      appWindow.fullscreen = value === true;
      return null;
    },
  };

  async function handle(cmd, args) {
    calls.push({ cmd, args: clone(args) });
    if (failures[cmd]) return Promise.reject(clone(failures[cmd]));
    const command = commands[cmd];
    if (!command) return fail("internal", `the fake backend has no command “${cmd}”`);
    return command(args ?? {});
  }

  return {
    handle,
    calls,
    store,
    /** Lets a held `run_scenario` return. */
    releaseRun: () => release?.(),
    /** Lets a held `import_collection` answer. */
    releaseImport: () => releaseImport?.(),
    /** The secrets' values, as the keyring or store would hold them. */
    secrets,
    /** Lets a held `run_collection` go on past the scenario it paused in. */
    releaseCollectionRun: () => {
      if (!collectionRun) return;
      if (collectionRun.resume) collectionRun.resume();
      else collectionRun.released++;
    },
    /** Lets a held `run_probes` go on past its first probe. */
    releaseProbeRun: () => fakeProbes.release(),
    /** Seeds a run so that opening its scenario shows it. */
    addHistory: (view) => history.set(history.size + 1, view),
    failWith: (cmd, error) => (failures[cmd] = error),
    clearFailure: (cmd) => delete failures[cmd],
  };
}

// ---------------------------------------------------------------------------------------------
// The lab token service and the assertion preview (docs/ipc.md, "Teaching and QA"): a policy kept
// as TOML text, a small reader for it that reports the line of a mistake, a canned request log,
// and `preview_assertions` computed for the simple cases against a recorded run's step.
// ---------------------------------------------------------------------------------------------

const FAKE_LAB_POLICY = `# Baton's built-in lab policy (the test double's short version).
signing_alg = "ES256"
access_token_lifetime = 3600
max_chain_depth = 4

[[audiences]]
name = "orders-api"
scopes = ["orders:read", "orders:write", "payments:charge", "shipping:create"]

[[audiences]]
name = "payments-api"
scopes = ["payments:charge", "payments:refund"]

[[audiences]]
name = "shipping-api"
scopes = ["shipping:create", "shipping:track"]

[[users]]
username = "alice"
password = "alice-password"
scopes = ["orders:read", "orders:write", "payments:charge", "shipping:create"]

[[users]]
username = "bob"
password = "bob-password"
scopes = ["trips:plan", "flights:book", "payments:charge"]
may_act = { sub = "planner-agent" }

[[clients]]
client_id = "web-app"
description = "The shop's web front end: users log in here (password grant)"
auth = "client_secret"
secret = "web-app-secret"
grants = ["password", "refresh_token"]
audiences = ["orders-api"]

[[clients]]
client_id = "order-service"
description = "Story 1: exchanges a user's orders token, acting as itself, for narrow downstream tokens"
auth = "client_secret"
secret = "order-service-secret"
grants = ["client_credentials", "token-exchange"]
may_delegate = true
audiences = ["payments-api", "shipping-api"]

[[clients]]
client_id = "api-gateway"
description = "Story 2: swaps a caller's token for a backend token (impersonation, no act)"
auth = "client_secret"
secret = "api-gateway-secret"
grants = ["token-exchange"]
may_impersonate = true
audiences = ["backend-api"]
`;

const FAKE_LAB_REQUESTS = [
  {
    time_ms: 1767225603120,
    endpoint: "/token",
    grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
    client_id: "order-service",
    status: 400,
    outcome: "refused",
    detail: 'unauthorized_client: client "order-service" may not delegate: the policy does not let it exchange with an actor_token',
  },
  {
    time_ms: 1767225602480,
    endpoint: "/token",
    grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
    client_id: "order-service",
    status: 200,
    outcome: "issued",
    detail: "urn:ietf:params:oauth:token-type:access_token",
  },
  {
    time_ms: 1767225601950,
    endpoint: "/token",
    grant_type: "client_credentials",
    client_id: "order-service",
    status: 200,
    outcome: "issued",
    detail: "urn:ietf:params:oauth:token-type:access_token",
  },
  {
    time_ms: 1767225601200,
    endpoint: "/token",
    grant_type: "password",
    client_id: "web-app",
    status: 200,
    outcome: "issued",
    detail: "urn:ietf:params:oauth:token-type:access_token",
  },
  { time_ms: 1767225600100, endpoint: "/jwks", grant_type: null, client_id: null, status: 200, outcome: "served", detail: "" },
];

const INTEGER_KEYS = ["access_token_lifetime", "refresh_token_lifetime", "max_chain_depth"];
const BOOLEAN_KEYS = ["may_delegate", "may_impersonate"];

/** A TOML value of the shapes the policy uses: strings, numbers, booleans, one-line arrays and
 * inline tables of those; `undefined` when it is none of them. */
function tomlValue(text) {
  const t = text.trim();
  const inline = /^\{(.*)\}$/.exec(t);
  if (inline) {
    const table = {};
    for (const part of inline[1].split(",").filter((p) => p.trim())) {
      const m = /^\s*([A-Za-z0-9_-]+)\s*=\s*(.+)$/.exec(part);
      const v = m ? tomlValue(m[2]) : undefined;
      if (v === undefined) return undefined;
      table[m[1]] = v;
    }
    return table;
  }
  try {
    return JSON.parse(t);
  } catch {
    return undefined;
  }
}

/** Reads the policy: `{ policy }` or `{ line, message }` at its first mistake. */
function readFakePolicy(text) {
  const policy = { settings: {}, checks: {}, audiences: [], users: [], clients: [] };
  let table = policy.settings;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/#.*$/, "").trim();
    const at = (message) => ({ line: i + 1, message: `the policy is not valid at line ${i + 1}: ${message}` });
    if (line === "") continue;
    const header = /^\[\[(audiences|users|clients)\]\]$/.exec(line);
    if (header) {
      table = {};
      policy[header[1]].push(table);
      continue;
    }
    if (line === "[checks]") {
      table = policy.checks;
      continue;
    }
    if (/^\[/.test(line)) return at(`unknown table ${line}`);
    const pair = /^([A-Za-z0-9_-]+)\s*=\s*(.+)$/.exec(line);
    if (!pair) return at(`expected \`key = value\`, a [[table]] header or a # comment, found “${line}”`);
    const [, key, raw] = pair;
    const value = tomlValue(raw);
    if (value === undefined) return at(`the value of ${key} is not a string, number, boolean, array or inline table`);
    if (INTEGER_KEYS.includes(key) && !Number.isInteger(value)) return at(`invalid type: expected an integer for ${key}`);
    if (BOOLEAN_KEYS.includes(key) && typeof value !== "boolean") return at(`invalid type: expected a boolean for ${key}`);
    table[key] = value;
  }
  return { policy };
}

const NO_FAULTS = { down: false, latency_ms: 0, unavailable_retry_after: null, failure_rate: 0, clock_skew_secs: 0 };

/** Each fault in force, in words, as baton-sts's `Faults::describe` says it. */
function describeFaults(f) {
  const out = [];
  if (f.down) out.push("down: connections are refused");
  if (f.latency_ms > 0) out.push(`slow: ${f.latency_ms} ms added before every answer`);
  if (f.unavailable_retry_after !== null) out.push(`unavailable: every request gets 503 with Retry-After: ${f.unavailable_retry_after}`);
  if (f.failure_rate > 0) out.push(`flaky: ${Math.round(f.failure_rate * 100)}% of requests get 503`);
  if (f.clock_skew_secs !== 0) {
    out.push(`clock skew: the lab's clock runs ${Math.abs(f.clock_skew_secs)} s ${f.clock_skew_secs > 0 ? "ahead" : "behind"}`);
  }
  return out;
}

/** The first out-of-bounds fault, in the lab's words (baton-sts, faults.rs), or null. */
function faultProblem(f) {
  if (!Number.isInteger(f.latency_ms) || f.latency_ms < 0 || f.latency_ms > 60000) return `latency_ms must be at most 60000, not ${f.latency_ms}`;
  if (!(f.failure_rate >= 0 && f.failure_rate <= 1)) return `failure_rate must be between 0 and 1, not ${f.failure_rate}`;
  if (Math.abs(f.clock_skew_secs) > 2592000) return `clock_skew_secs must be between -2592000 and 2592000, not ${f.clock_skew_secs}`;
  return null;
}

function fakeLabView(base, text, isDefault, restartedAt, faults = NO_FAULTS) {
  const { policy } = readFakePolicy(text);
  const sub = (m) => (m && typeof m.sub === "string" ? m.sub : null);
  return {
    base_url: base.base_url,
    issuer: base.issuer,
    policy_toml: text,
    is_default: isDefault,
    restarted_at: restartedAt,
    clients: policy.clients.map((c) => ({
      client_id: c.client_id,
      description: c.description ?? null,
      auth: c.auth === "none" ? "none" : "client_secret_basic",
      grants: c.grants ?? [],
      may_delegate: c.may_delegate === true,
      may_impersonate: c.may_impersonate === true,
      audiences: c.audiences ?? [],
      may_act: sub(c.may_act),
    })),
    users: policy.users.map((u) => ({ username: u.username, scopes: u.scopes ?? [], may_act: sub(u.may_act) })),
    audiences: policy.audiences.map((a) => a.name),
    vulnerable: Object.entries(FAKE_CHECKS)
      .filter(([name]) => policy.checks[name] === false)
      .map(([name, [risk, description]]) => ({ name, risk, description })),
    faults: clone(faults),
    faults_in_force: describeFaults(faults),
    checks_off: [],
  };
}

/** The lab's switchable checks (baton-sts, policy/checks.rs): what an attacker can do while one
 * is off, and what it enforces while on. */
const FAKE_CHECKS = {
  actor_bound_to_client: [
    "a client can present another client's token as its actor_token and act as that client",
    "an actor_token must have been issued to the client presenting it",
  ],
  may_act_enforced: ["anyone may act for a subject, whatever its may_act says", "a subject token's may_act must name the actor (or, without one, the client)"],
  may_act_carried: [
    "a second agent can re-delegate a token the user's may_act never allowed it",
    "an exchanged token keeps the subject token's may_act, so the restriction travels down the chain",
  ],
  subject_audience: ["a token sent to one client can be exchanged by another", "a subject or actor token meant for another client (its aud) is refused"],
  token_type_matches: [
    "an access token is accepted when declared as an ID token, and the other way round",
    "subject_token_type and actor_token_type must match the token (access token vs ID token)",
  ],
  time_claims: ["tokens that are not valid yet (nbf, iat in the future) are accepted", "tokens whose nbf or iat lie in the future are refused"],
  revocation: [
    "/revoke answers 200 but forgets nothing: revoked tokens stay valid",
    "tokens revoked at /revoke (RFC 7009) can no longer be exchanged, refreshed or introspected as active",
  ],
};

/** Every claim by dotted path, sorted: an object as itself and as its members. */
function fakeClaimPaths(claims, prefix = "", out = []) {
  for (const [name, value] of Object.entries(claims)) {
    const path = `${prefix}${name}`;
    if (value && typeof value === "object" && !Array.isArray(value)) fakeClaimPaths(value, `${path}.`, out);
    out.push({ path, value });
  }
  return prefix === "" ? out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)) : out;
}

/** A few assertion kinds checked as the engine words them; the others pass with a note (the
 * real checks are the engine's). */
function fakeCheck(assertion, step, claims) {
  const show = (v) => JSON.stringify(v);
  const status = step.response?.status ?? null;
  if (assertion.status !== undefined && assertion.status !== null) {
    return status === assertion.status
      ? { passed: true, message: `HTTP status is ${status}` }
      : { passed: false, message: `HTTP status: expected ${assertion.status}, got ${status}` };
  }
  if (typeof assertion.claim === "string") {
    const path = assertion.claim;
    const value = path.split(".").reduce((v, k) => (v && typeof v === "object" && !Array.isArray(v) ? v[k] : undefined), claims ?? undefined);
    if (assertion.exists === true) {
      return value === undefined
        ? { passed: false, message: `claim ${path}: expected present, got absent` }
        : { passed: true, message: `claim ${path} is present (${show(value)})` };
    }
    if (assertion.exists === false) {
      return value === undefined
        ? { passed: true, message: `claim ${path} is absent` }
        : { passed: false, message: `claim ${path}: expected absent, got ${show(value)}` };
    }
    if (assertion.equals !== undefined) {
      if (value === undefined) return { passed: false, message: `claim ${path}: expected ${show(assertion.equals)}, got nothing (no such claim)` };
      return show(value) === show(assertion.equals)
        ? { passed: true, message: `claim ${path} is ${show(value)}` }
        : { passed: false, message: `claim ${path}: expected ${show(assertion.equals)}, got ${show(value)}` };
    }
  }
  const isObject = (v) => v && typeof v === "object" && !Array.isArray(v);
  const actors = [];
  for (let act = claims?.act; isObject(act); act = act.act) actors.push(act.sub ?? act.client_id ?? "?");
  if (typeof assertion.aud_contains === "string") {
    const aud = claims?.aud === undefined ? [] : [].concat(claims.aud);
    return aud.includes(assertion.aud_contains)
      ? { passed: true, message: `aud contains ${show(assertion.aud_contains)}` }
      : { passed: false, message: `aud: expected to contain ${show(assertion.aud_contains)}, got ${show(aud)}` };
  }
  if (Array.isArray(assertion.act_chain)) {
    const chain = (list) => `[${list.join(", ")}]`;
    return show(actors) === show(assertion.act_chain)
      ? { passed: true, message: `act chain is ${chain(actors)}` }
      : { passed: false, message: `act chain: expected ${chain(assertion.act_chain)}, got ${chain(actors)}` };
  }
  if (typeof assertion.act_depth === "number") {
    return actors.length === assertion.act_depth
      ? { passed: true, message: `act depth is ${actors.length}` }
      : { passed: false, message: `act depth: expected ${assertion.act_depth}, got ${actors.length}` };
  }
  return { passed: true, message: "checked by the engine (the test double does not check this kind)" };
}

function createFakeLab(options, history) {
  const base = { base_url: "http://127.0.0.1:8693", issuer: "http://127.0.0.1:8693" };
  let policy = options.labPolicy ?? FAKE_LAB_POLICY;
  let isDefault = true;
  let restartedAt = 1767225600000;
  const requests = clone(options.labRequests ?? FAKE_LAB_REQUESTS);
  let faults = clone(NO_FAULTS);
  const view = () => fakeLabView(base, policy, isDefault, restartedAt, faults);

  return {
    lab_status: () => view(),
    lab_requests: () => clone(requests),
    // The fake engine caches nothing.
    clear_token_cache: () => 0,
    apply_lab_policy: ({ policy: text }) => {
      const read = readFakePolicy(text ?? "");
      if (read.line) return Promise.reject({ code: "invalid_input", message: read.message, detail: null, line: read.line });
      policy = text;
      isDefault = text === (options.labPolicy ?? FAKE_LAB_POLICY);
      restartedAt += 1000;
      faults = clone(NO_FAULTS);
      return view();
    },
    set_lab_faults: ({ faults: wanted }) => {
      const problem = faultProblem(wanted);
      if (problem) return Promise.reject({ code: "invalid_input", message: `invalid lab faults: ${problem}`, detail: null, line: null });
      faults = clone(wanted);
      return view();
    },
    reset_lab_policy: () => {
      policy = options.labPolicy ?? FAKE_LAB_POLICY;
      isDefault = true;
      restartedAt += 1000;
      return view();
    },
    preview_assertions: ({ runId, stepId, assertions }) => {
      const run = history.get(runId);
      if (!run) return fail("not_found", `no run ${runId}`);
      const step = run.record.steps.find((s) => s.id === stepId);
      if (!step) return fail("not_found", `run ${runId} has no step “${stepId}”`);
      const claims = step.token?.decoded?.kind === "jwt" ? step.token.decoded.claims : (step.introspection ?? null);
      const paths = claims ? fakeClaimPaths(claims) : [];
      if (step.status !== "passed" && step.status !== "failed") return { claims: paths, outcomes: [] };
      const list = assertions ?? [];
      const outcomes = [];
      const expectsOutcome = list.some((a) => (a.status ?? null) !== null || (a.error ?? null) !== null);
      if (step.response && !expectsOutcome) {
        const implicit = fakeCheck({ status: 200 }, step, claims);
        if (!implicit.passed) implicit.message += " (a step without a status or error assertion must succeed)";
        outcomes.push({ assertion: { status: 200 }, ...implicit });
      }
      for (const a of list) outcomes.push({ assertion: clone(a), ...fakeCheck(a, step, claims) });
      return { claims: clone(paths), outcomes };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Probes (docs/ipc.md, "Probes"): canned reports replayed as `probe-progress` events, saved to a
// probe history, listed, read back and diffed.
// ---------------------------------------------------------------------------------------------

function createFakeProbes(options, store) {
  const reports = (options.probeReports ?? []).map(clone);
  const saved = new Map();
  let runs = 0;
  // The probe run going, if any: whether it was asked to stop, and how to resume it.
  let going = null;
  const first = reports[0];
  const groupTitle = (g) => first?.groups.find((x) => x.group === g)?.title ?? g;
  const catalogue = (first?.results ?? []).map((r) => ({
    id: r.id,
    group: r.group,
    groupTitle: groupTitle(r.group),
    title: r.title,
    rfc: r.rfc,
    severity: r.severity,
    fix: r.fix,
  }));

  /** A group's line, or the whole, as the runner counts it. */
  const score = (group, title, results) => {
    const count = (o) => results.filter((r) => r.outcome === o).length;
    const [passed, failed, skipped] = [count("pass"), count("fail"), count("skip")];
    return { group, title, passed, failed, skipped, score: passed + failed > 0 ? Math.floor((passed * 100) / (passed + failed)) : null };
  };
  const grade = (results) => {
    if (!results.some((r) => r.outcome !== "skip")) return "-";
    const failed = (s) => results.filter((r) => r.outcome === "fail" && r.severity === s).length;
    const errors = failed("error");
    if (errors === 0) return failed("warning") + failed("info") === 0 ? "A" : "B";
    return errors <= 2 ? "C" : errors <= 5 ? "D" : "F";
  };
  const reportOf = (base, results, cancelled, startedAt) => {
    const groups = [...new Set(results.map((r) => r.group))].map((g) =>
      score(
        g,
        groupTitle(g),
        results.filter((r) => r.group === g),
      ),
    );
    return { ...base, startedAt, cancelled, results, groups, overall: score("baseline", "Overall", results), grade: grade(results) };
  };
  const summary = (id, r) => ({
    id,
    server: r.server,
    startedAt: r.startedAt,
    grade: r.grade,
    passed: r.overall.passed,
    failed: r.overall.failed,
    skipped: r.overall.skipped,
    cancelled: r.cancelled,
  });

  async function runProbes({ collection, environment, target, only }) {
    if (!store.has(collection)) return fail("not_found", `no collection named “${collection}”`);
    const probe = target ?? store.get(collection).probe;
    if (!probe) return fail("invalid_input", `collection “${collection}” has no [probe] section (see docs/collection-format.md)`);
    if (going) return fail("conflict", "a probe run is already going; cancel it or wait for it to finish");
    const base = reports[runs % reports.length];
    if (!base) return fail("internal", "the fake backend has no probe report");
    runs += 1;
    const names = only ?? [];
    const chosen = base.results.filter((r) => names.length === 0 || names.includes(r.group) || names.includes(r.id));
    const run = (going = { cancelled: false, resume: null, released: 0 });
    const results = [];
    try {
      for (let index = 0; index < chosen.length; index++) {
        if (run.cancelled) break;
        const r = chosen[index];
        const event = { collection, server: probe.server, index, total: chosen.length, probeId: r.id, title: r.title, group: r.group };
        await options.emit("probe-progress", { ...event, phase: "started", outcome: null });
        await new Promise((done) => setTimeout(done, 2));
        results.push(r);
        await options.emit("probe-progress", { ...event, phase: "finished", outcome: r.outcome });
        if (index === 0 && options.holdProbeRuns && !run.cancelled) {
          if (run.released > 0) run.released--;
          else await new Promise((done) => (run.resume = () => ((run.resume = null), done())));
        }
      }
      const id = saved.size + 1;
      // Each run a minute after the one before, so the history tells them apart.
      const report = reportOf({ ...base, collection, server: probe.server, environment }, results, run.cancelled, 1767225600 + id * 60);
      saved.set(id, { collection, report });
      return clone({ runId: id, report });
    } finally {
      going = null;
    }
  }

  const commands = {
    probe_catalogue: () => clone(catalogue),
    run_probes: runProbes,
    cancel_probe_run: () => {
      if (!going) return false;
      going.cancelled = true;
      going.resume?.();
      return true;
    },
    list_probe_runs: ({ collection }) =>
      [...saved.entries()]
        .filter(([, v]) => v.collection === collection)
        .reverse()
        .map(([id, v]) => summary(id, v.report)),
    load_probe_run: ({ id }) => (saved.has(id) ? clone({ runId: id, report: saved.get(id).report }) : fail("not_found", `no probe run #${id}`)),
    diff_probe_runs: ({ before, after }) => {
      if (!saved.has(before)) return fail("not_found", `no probe run #${before}`);
      if (!saved.has(after)) return fail("not_found", `no probe run #${after}`);
      const earlier = new Map(saved.get(before).report.results.map((r) => [r.id, r]));
      const later = new Map(saved.get(after).report.results.map((r) => [r.id, r]));
      const changes = [];
      for (const [id, r] of later) {
        const b = earlier.get(id)?.outcome ?? null;
        if (b !== r.outcome) changes.push({ id, title: r.title, before: b, after: r.outcome });
      }
      for (const [id, r] of earlier) if (!later.has(id)) changes.push({ id, title: r.title, before: r.outcome, after: null });
      const rank = (c) => (c.before === "pass" && c.after === "fail" ? 0 : c.before === "fail" && c.after === "pass" ? 1 : 2);
      return changes.sort((a, b) => rank(a) - rank(b));
    },
  };

  return {
    commands,
    release: () => {
      if (!going) return;
      if (going.resume) going.resume();
      else going.released++;
    },
  };
}
