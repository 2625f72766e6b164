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
 * @param {{ open?: string | null, save?: string | null }} [options.dialog]  what the file dialogs answer
 */
export function createFakeBackend(options) {
  const store = new Map(options.collections.map((c) => [c.name, clone(c)]));
  const runs = new Map(Object.entries(options.runs ?? {}));
  const failures = { ...(options.failures ?? {}) };
  const calls = [];
  const history = new Map();
  let release = null;
  let clock = 1767225600;

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

  const commands = {
    workspace: () => ({
      collections: [...store.values()].map((c) => summary(c, clock)),
      lab,
      data_dir: "/tmp/baton-test",
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
    import_collection: ({ path }) => fail("invalid_input", `${path}:1:1: not a Baton collection`),
    export_collection: () => null,
    "plugin:dialog|open": () => options.dialog?.open ?? null,
    "plugin:dialog|save": () => options.dialog?.save ?? null,
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
    /** Seeds a run so that opening its scenario shows it. */
    addHistory: (view) => history.set(history.size + 1, view),
    failWith: (cmd, error) => (failures[cmd] = error),
    clearFailure: (cmd) => delete failures[cmd],
  };
}
