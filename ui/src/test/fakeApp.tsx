import { render } from "@testing-library/react";
import { emit } from "@tauri-apps/api/event";
import { mockIPC } from "@tauri-apps/api/mocks";

import { createFakeBackend, type FakeIpcError } from "../../tests/fake-backend.mjs";
import { App } from "../app/App";
import type { Collection, ProbeRunView, RunView } from "../api/types";
import agentChain from "../fixtures/agent-chain.json";
import compareAiAssistant from "../fixtures/compare-ai-assistant.json";
import demo from "../fixtures/demo-collection.json";
import probeLab from "../fixtures/probe-lab.json";
import probeLabVulnerable from "../fixtures/probe-lab-vulnerable.json";
import refusalsFailed from "../fixtures/refusals-failed.json";

export const demoCollection = demo as unknown as Collection;
export const agentChainRun = agentChain as unknown as RunView;
export const refusalsFailedRun = refusalsFailed as unknown as RunView;

/** Probe runs of the app's own lab (`cargo run -p baton-app --example probe_fixture`): with a
 * check switched off (failures, every exchange kept), and as it ships (no exchanges kept). */
export const probeVulnerableRun = probeLabVulnerable as unknown as ProbeRunView;
export const probeHonestRun = probeLab as unknown as ProbeRunView;

export const emptyCollection: Collection = { name: "Scratch" };

/** The app against an in-memory shell: the demo collection, and canned runs of two of its
 * scenarios. */
export function renderApp(
  options: {
    holdRuns?: boolean;
    holdCollectionRuns?: boolean;
    failures?: Record<string, FakeIpcError>;
    collections?: Collection[];
    /** `Workspace.opens`: the collection a fresh workspace opens first. */
    opens?: string;
    /** What Baton's own file dialogs (`choose_file`) answer: open for import, save for exports. */
    dialog?: { open?: string | null; save?: string | null };
    /** Extra or replacing canned comparisons, by `collection/scenarioId/stepId`. */
    compares?: Record<string, unknown>;
    importFiles?: Record<string, Collection>;
    holdImports?: boolean;
    keyring?: { available: boolean; problem: string | null };
    /** The probe reports `run_probes` answers with, in turn (the vulnerable lab's, then the
     * honest lab's, when not given). */
    probeReports?: ProbeRunView[];
    holdProbeRuns?: boolean;
  } = {},
) {
  const backend = createFakeBackend({
    collections: options.collections ?? [demoCollection, emptyCollection],
    ...(options.opens ? { opens: options.opens } : {}),
    runs: {
      [`${demoCollection.name}/agent-chain`]: agentChainRun,
      [`${demoCollection.name}/refusals`]: refusalsFailedRun,
    },
    failures: options.failures ?? {},
    emit: (event, payload) => emit(event, payload),
    holdRuns: options.holdRuns ?? false,
    holdCollectionRuns: options.holdCollectionRuns ?? false,
    dialog: options.dialog ?? {},
    compares: { [`${demoCollection.name}/ai-assistant/airline`]: compareAiAssistant, ...(options.compares ?? {}) },
    importFiles: options.importFiles ?? {},
    holdImports: options.holdImports ?? false,
    ...(options.keyring ? { keyring: options.keyring } : {}),
    probeReports: (options.probeReports ?? [probeVulnerableRun, probeHonestRun]).map((v) => v.report),
    holdProbeRuns: options.holdProbeRuns ?? false,
  });
  mockIPC((cmd, args) => backend.handle(cmd, args as Record<string, unknown> | undefined), { shouldMockEvents: true });
  const view = render(<App />);
  return { backend, ...view };
}
