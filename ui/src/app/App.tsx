import { useCallback, useEffect, useState } from "react";

import { EnvironmentPanel } from "../features/environments/EnvironmentPanel";
import { LabPanel } from "../features/lab/LabPanel";
import { ProbeView } from "../features/probe/ProbeView";
import { useProbeRun } from "../features/probe/useProbeRun";
import { CollectionRunnerView } from "../features/runner/CollectionRunnerView";
import { useCollectionRunner } from "../features/runner/useCollectionRunner";
import { ScenarioView } from "../features/scenarios/ScenarioView";
import { ServerPanel } from "../features/servers/ServerPanel";
import { Sidebar } from "../features/sidebar/Sidebar";
import { ErrorBanner } from "../shared/ErrorBanner";
import { ToastProvider } from "../shared/Toast";
import { SecretsSection } from "../features/secrets/SecretsSection";
import { SignInBanner } from "../features/signin/SignInBanner";
import { AppToolbar } from "./AppToolbar";
import { ShortcutOverlay, useShortcutKey } from "./ShortcutOverlay";
import { UnsavedChangesProvider, useUnsavedGuard } from "./unsavedChanges";
import { useActiveEnvironment } from "./useActiveEnvironment";
import { useWorkspace } from "./useWorkspace";

type Main =
  | { kind: "none" }
  // openRun: a saved run to show instead of the latest (from the collection runner).
  | { kind: "scenario"; collection: string; scenarioId: string; openRun?: { runId: number } }
  | { kind: "runner"; collection: string }
  | { kind: "probe"; collection: string; server: string }
  | { kind: "servers" }
  | { kind: "lab" }
  | { kind: "environments" };

export function App() {
  return (
    <ToastProvider>
      <UnsavedChangesProvider>
        <Shell />
      </UnsavedChangesProvider>
    </ToastProvider>
  );
}

function Shell() {
  const ws = useWorkspace();
  const [activeCollection, setActiveCollection] = useState<string | null>(null);
  const [main, setMain] = useState<Main>({ kind: "none" });
  const runner = useCollectionRunner();
  const prober = useProbeRun();
  // Closing mid-run loses the scenarios not run yet.
  useUnsavedGuard(runner.running, `the run of “${runner.collection ?? ""}” still going`);
  useUnsavedGuard(prober.running, `the probe run of “${prober.server ?? ""}” still going`);
  const [showShortcuts, setShowShortcuts] = useState(false);
  useShortcutKey(useCallback(() => setShowShortcuts(true), []));
  // The environment switch belongs to the collection in view: the open scenario's, else the
  // selected one.
  const toolbarCollection = main.kind === "scenario" || main.kind === "runner" || main.kind === "probe" ? main.collection : activeCollection;
  const { environment, environments, choose: chooseEnvironment } = useActiveEnvironment(
    toolbarCollection ? ws.collections[toolbarCollection] : undefined,
  );

  // A collection that was deleted or renamed away takes its scenario view with it.
  useEffect(() => {
    if ((main.kind === "scenario" || main.kind === "runner" || main.kind === "probe") && ws.workspace && !ws.workspace.collections.some((c) => c.name === main.collection)) {
      setMain({ kind: "none" });
    }
  }, [ws.workspace, main]);

  const openScenario = async (collection: string, scenarioId: string) => {
    setActiveCollection(collection);
    if (!ws.collections[collection] && !(await ws.open(collection))) return;
    setMain({ kind: "scenario", collection, scenarioId });
  };

  const scenarioCollection = main.kind === "scenario" ? ws.collections[main.collection] : undefined;

  /** Opens the Probe view of a server: the one named, else the collection's `[probe]` server,
   * else its first. */
  const openProbe = async (collection: string, server?: string) => {
    setActiveCollection(collection);
    const loaded = ws.collections[collection] ?? (await ws.open(collection));
    const target = server ?? loaded?.probe?.server ?? loaded?.servers?.[0]?.id;
    if (target) setMain({ kind: "probe", collection, server: target });
  };
  // With one collection in the workspace (a fresh start: the demo), it is the one probed.
  const probeCollection = activeCollection ?? (ws.workspace?.collections.length === 1 ? ws.workspace.collections[0]!.name : null);

  return (
    <div className="app">
      <Sidebar
        ws={ws}
        activeCollection={activeCollection}
        activeScenario={main.kind === "scenario" ? main.scenarioId : null}
        onSelectCollection={setActiveCollection}
        onOpenScenario={(c, s) => void openScenario(c, s)}
        onOpenEnvironments={(name) => {
          setActiveCollection(name);
          if (!ws.collections[name]) void ws.open(name);
          setMain({ kind: "environments" });
        }}
        onRunCollection={(name) => {
          setActiveCollection(name);
          if (!ws.collections[name]) void ws.open(name);
          setMain({ kind: "runner", collection: name });
        }}
        onOpenServers={() => {
          if (activeCollection && !ws.collections[activeCollection]) void ws.open(activeCollection);
          setMain({ kind: "servers" });
        }}
        onOpenLab={() => setMain({ kind: "lab" })}
        onOpenProbe={probeCollection ? () => void openProbe(probeCollection) : undefined}
      />
      <main className="main">
        <AppToolbar
          collection={toolbarCollection}
          environments={environments}
          environment={environment}
          onChooseEnvironment={chooseEnvironment}
          onShowShortcuts={() => setShowShortcuts(true)}
        />
        {showShortcuts ? <ShortcutOverlay onClose={() => setShowShortcuts(false)} /> : null}
        {ws.error ? <ErrorBanner error={ws.error} onDismiss={ws.clearError} /> : null}
        <SignInBanner />
        {main.kind === "scenario" && scenarioCollection ? (
          <ScenarioView ws={ws} collection={scenarioCollection} scenarioId={main.scenarioId} environment={environment} openRun={main.openRun ?? null} />
        ) : null}
        {main.kind === "runner" && ws.collections[main.collection] ? (
          <CollectionRunnerView
            collection={ws.collections[main.collection]!}
            environment={environment}
            runner={runner}
            onOpenRun={(scenarioId, runId) => setMain({ kind: "scenario", collection: main.collection, scenarioId, openRun: { runId } })}
          />
        ) : null}
        {main.kind === "servers" ? (
          <ServerPanel
            lab={ws.workspace?.lab ?? null}
            collection={activeCollection ? (ws.collections[activeCollection] ?? null) : null}
            environment={environment}
            onSaveCollection={ws.save}
            onProbe={activeCollection ? (server) => void openProbe(activeCollection, server) : undefined}
          />
        ) : null}
        {main.kind === "probe" && ws.collections[main.collection] ? (
          <ProbeView
            key={`${main.collection}/${main.server}`}
            collection={ws.collections[main.collection]!}
            server={main.server}
            environment={environment}
            runner={prober}
          />
        ) : null}
        {main.kind === "lab" ? <LabPanel onApplied={() => void ws.refresh()} /> : null}
        {main.kind === "environments" ? (
          <div className="main__scroll">
            {activeCollection && ws.collections[activeCollection] ? (
              <EnvironmentPanel collection={ws.collections[activeCollection]} onSaveCollection={ws.save} />
            ) : (
              <p className="muted main__empty">Select a collection to see its environments.</p>
            )}
            <SecretsSection />
          </div>
        ) : null}
        {main.kind === "none" ? (
          <div className="main__empty">
            <h1>Baton</h1>
            <p className="muted">Choose a scenario in the sidebar, then Run it to see its tokens as a delegation graph.</p>
          </div>
        ) : null}
      </main>
    </div>
  );
}
