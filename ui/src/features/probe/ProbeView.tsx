import "./probe.css";

import { useEffect, useMemo, useState } from "react";

import type { Collection, ProbeGroup, ProbeRunView } from "../../api/types";
import { ErrorBanner } from "../../shared/ErrorBanner";
import { ProbeFilters } from "./ProbeFilters";
import { ProbeGroupPicker } from "./ProbeGroupPicker";
import { ProbeHistory } from "./ProbeHistory";
import { ProbeInspector } from "./ProbeInspector";
import { ProbeProgressBar } from "./ProbeProgressBar";
import { ProbeResultList } from "./ProbeResultList";
import { ProbeRolesForm } from "./ProbeRolesForm";
import { ReportCard } from "./ReportCard";
import { outcomeCounts, SHOW_ALL, visibleGroups, type ProbeFilter } from "./probeFilter";
import { initialRoles, missingRole, serverClients, toTarget, type ProbeRoles } from "./probeRoles";
import { useProbeCatalogue } from "./useProbeCatalogue";
import { useProbeHistory } from "./useProbeHistory";
import type { ProbeRunner } from "./useProbeRun";

type Props = {
  collection: Collection;
  server: string;
  environment: string | null;
  runner: ProbeRunner;
};

/** A server of a collection, probed: pick the roles from its clients, run the probes with
 * progress and Cancel, read the report card and every result, open a probe's requests and
 * responses, and compare with an earlier saved run. */
export function ProbeView({ collection, server, environment, runner }: Props) {
  const key = `${collection.name}\u0000${server}`;
  const clients = useMemo(() => serverClients(collection, server), [collection, server]);
  const [edited, setEdited] = useState<{ key: string; roles: ProbeRoles } | null>(null);
  const roles = edited?.key === key ? edited.roles : initialRoles(collection, server);
  const catalogue = useProbeCatalogue();
  const [groups, setGroups] = useState<ReadonlySet<ProbeGroup> | null>(null);
  const allGroups = useMemo(() => new Set(catalogue.probes.map((p) => p.group)), [catalogue.probes]);
  const chosen = groups ?? allGroups;
  const [filter, setFilter] = useState<ProbeFilter>(SHOW_ALL);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [panel, setPanel] = useState<"probe" | "history" | null>(null);
  const [setupOpen, setSetupOpen] = useState(true);
  const history = useProbeHistory(collection.name);

  const mine = runner.collection === collection.name && runner.server === server;
  const otherRunning = runner.running && !mine;
  const latest: ProbeRunView | null = mine ? runner.result : null;
  const shown = history.opened && history.opened.report.server === server ? history.opened : latest;
  const report = shown?.report ?? null;

  // A run that ends shows its report, folds the setup away and is added to the history.
  const { refresh, close } = history;
  const finishedRun = mine && !runner.running ? runner.result : null;
  useEffect(() => {
    if (finishedRun === null) return;
    close();
    setSetupOpen(false);
    void refresh();
  }, [finishedRun, refresh, close]);

  const missing = missingRole(roles) ?? (chosen.size === 0 ? "Choose at least one group of probes." : null);
  const run = () => {
    if (missing) return;
    setSelectedId(null);
    if (panel === "probe") setPanel(null);
    close();
    // Every group chosen: the backend runs the whole catalogue (and any probe added to it).
    const only = chosen.size === allGroups.size ? [] : [...chosen];
    void runner.start(collection.name, server, environment, toTarget(collection, server, roles), only);
  };

  const selected = report?.results.find((r) => r.id === selectedId) ?? null;
  const select = (id: string) => {
    setSelectedId(id === selectedId ? null : id);
    setPanel(id === selectedId ? null : "probe");
  };
  const panelOpen = panel !== null;
  const serverDef = collection.servers?.find((s) => s.id === server);

  return (
    <section className="probe" aria-labelledby="probe-heading">
      <header className="scenario__header">
        <div className="scenario__title">
          <h1 id="probe-heading">Probe “{server}”</h1>
          <p className="muted">
            Deliberate requests that a token service must refuse or answer by the RFCs, each judged pass, fail or skip.{" "}
            {serverDef?.name ? <>Server: {serverDef.name}. </> : null}
            {environment ? <>Environment <strong>{environment}</strong>.</> : null}
          </p>
        </div>
        <div className="scenario__actions">
          <button type="button" className="button" aria-pressed={panel === "history"} onClick={() => setPanel(panel === "history" ? (selected ? "probe" : null) : "history")}>
            History
          </button>
          {mine && runner.running ? (
            <button type="button" className="button button--danger" onClick={() => void runner.cancel()} disabled={runner.cancelling}>
              {runner.cancelling ? "Cancelling…" : "Cancel"}
            </button>
          ) : null}
          <button type="button" className="button button--primary" disabled={runner.running || missing !== null} title={missing ?? undefined} onClick={run}>
            {mine && runner.running ? "Running…" : "Run probes"}
          </button>
        </div>
      </header>
      {mine && runner.error ? <ErrorBanner error={runner.error} onDismiss={runner.dismissError} /> : null}
      {catalogue.error ? <ErrorBanner error={catalogue.error} /> : null}
      {history.error ? <ErrorBanner error={history.error} onDismiss={history.dismissError} /> : null}
      {otherRunning ? (
        <p className="muted runner__note" role="status">
          “{runner.server}” of “{runner.collection}” is being probed; one probe run at a time.
        </p>
      ) : null}
      <div className={`probe__body ${panelOpen ? "probe__body--panel" : ""}`}>
        <div className="probe__main">
          <details className="probe__setup" open={setupOpen} onToggle={(e) => setSetupOpen(e.currentTarget.open)}>
            <summary>Roles and probe groups</summary>
            {clients.length === 0 ? (
              <p className="muted">“{collection.name}” has no clients of “{server}”: add the clients the probes act as first.</p>
            ) : (
              <ProbeRolesForm clients={clients} roles={roles} disabled={runner.running} onChange={(r) => setEdited({ key, roles: r })} />
            )}
            <ProbeGroupPicker catalogue={catalogue.probes} selected={chosen} disabled={runner.running} onChange={setGroups} />
            {missing ? <p className="muted probe__missing">{missing}</p> : null}
          </details>
          {mine && (runner.running || runner.total > 0) ? (
            <ProbeProgressBar total={runner.total} finished={runner.finished} running={runner.running} cancelling={runner.cancelling} current={runner.current} />
          ) : null}
          {history.opened && report ? (
            <p className="probe__past" role="status" aria-label="Shown probe run">
              Saved run #{history.opened.runId} is shown.{" "}
              <button type="button" className="button button--link" onClick={close}>
                {latest ? "Back to the latest run" : "Close it"}
              </button>
            </p>
          ) : null}
          {report ? (
            <>
              <ReportCard report={report} runId={shown?.runId ?? null} />
              <ProbeFilters filter={filter} counts={outcomeCounts(report)} onChange={setFilter} />
              <ProbeResultList groups={visibleGroups(report, filter)} selectedId={selectedId} onSelect={select} />
            </>
          ) : !runner.running || !mine ? (
            <p className="muted probe__hint">Choose the roles, then Run probes: the report card appears here. Earlier runs are in History.</p>
          ) : null}
        </div>
        {panelOpen ? (
          <div className="panel probe__panel">
            <div className="tabs" role="tablist" aria-label="Panel">
              <button type="button" role="tab" aria-selected={panel === "probe"} className="tab" disabled={!selected} onClick={() => setPanel("probe")}>
                Probe
              </button>
              <button type="button" role="tab" aria-selected={panel === "history"} className="tab" onClick={() => setPanel("history")}>
                History
              </button>
            </div>
            {panel === "probe" && selected ? (
              <ProbeInspector
                result={selected}
                onClose={() => {
                  setSelectedId(null);
                  setPanel(null);
                }}
              />
            ) : (
              <ProbeHistory runs={history.runs} shownRunId={shown?.runId ?? null} onOpen={(id) => void history.open(id)} />
            )}
          </div>
        ) : null}
      </div>
    </section>
  );
}
