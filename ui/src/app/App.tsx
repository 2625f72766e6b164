import { useEffect, useState } from "react";

import { EnvironmentPanel } from "../features/environments/EnvironmentPanel";
import { LabPanel } from "../features/lab/LabPanel";
import { ScenarioView } from "../features/scenarios/ScenarioView";
import { ServerPanel } from "../features/servers/ServerPanel";
import { Sidebar } from "../features/sidebar/Sidebar";
import { ErrorBanner } from "../shared/ErrorBanner";
import { ToastProvider } from "../shared/Toast";
import { useWorkspace } from "./useWorkspace";

type Main = { kind: "none" } | { kind: "scenario"; collection: string; scenarioId: string } | { kind: "servers" } | { kind: "lab" } | { kind: "environments" };

export function App() {
  return (
    <ToastProvider>
      <Shell />
    </ToastProvider>
  );
}

function Shell() {
  const ws = useWorkspace();
  const [activeCollection, setActiveCollection] = useState<string | null>(null);
  const [main, setMain] = useState<Main>({ kind: "none" });

  // A collection that was deleted or renamed away takes its scenario view with it.
  useEffect(() => {
    if (main.kind === "scenario" && ws.workspace && !ws.workspace.collections.some((c) => c.name === main.collection)) {
      setMain({ kind: "none" });
    }
  }, [ws.workspace, main]);

  const openScenario = async (collection: string, scenarioId: string) => {
    setActiveCollection(collection);
    if (!ws.collections[collection] && !(await ws.open(collection))) return;
    setMain({ kind: "scenario", collection, scenarioId });
  };

  const scenarioCollection = main.kind === "scenario" ? ws.collections[main.collection] : undefined;

  return (
    <div className="app">
      <Sidebar
        ws={ws}
        activeCollection={activeCollection}
        activeScenario={main.kind === "scenario" ? main.scenarioId : null}
        onSelectCollection={setActiveCollection}
        onOpenScenario={(c, s) => void openScenario(c, s)}
        onOpenEnvironments={() => {
          if (activeCollection && !ws.collections[activeCollection]) void ws.open(activeCollection);
          setMain({ kind: "environments" });
        }}
        onOpenServers={() => {
          if (activeCollection && !ws.collections[activeCollection]) void ws.open(activeCollection);
          setMain({ kind: "servers" });
        }}
        onOpenLab={() => setMain({ kind: "lab" })}
      />
      <main className="main">
        {ws.error ? <ErrorBanner error={ws.error} onDismiss={ws.clearError} /> : null}
        {main.kind === "scenario" && scenarioCollection ? (
          <ScenarioView ws={ws} collection={scenarioCollection} scenarioId={main.scenarioId} />
        ) : null}
        {main.kind === "servers" ? (
          <ServerPanel
            lab={ws.workspace?.lab ?? null}
            collection={activeCollection ? (ws.collections[activeCollection] ?? null) : null}
            onSaveCollection={ws.save}
          />
        ) : null}
        {main.kind === "lab" ? <LabPanel onApplied={() => void ws.refresh()} /> : null}
        {main.kind === "environments" ? (
          activeCollection && ws.collections[activeCollection] ? (
            <EnvironmentPanel collection={ws.collections[activeCollection]} onSaveCollection={ws.save} />
          ) : (
            <p className="muted main__empty">Select a collection to see its environments.</p>
          )
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
