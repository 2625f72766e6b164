// Stand-ins for the shell's IPC types (docs/ipc.md) that ts-rs has not generated into
// ../bindings yet. Each one is deleted as soon as its generated file lands; nothing outside
// ./types.ts imports this file.

import type { CollectionSummary } from "../bindings/CollectionSummary";
import type { Finding } from "../bindings/Finding";
import type { Graph } from "../bindings/Graph";
import type { RunRecord } from "../bindings/RunRecord";
import type { StepRecord } from "../bindings/StepRecord";
import type { TokenDiff } from "../bindings/TokenDiff";

export type IpcErrorCode =
  | "not_found"
  | "invalid_input"
  | "unresolved"
  | "conflict"
  | "store"
  | "transport"
  | "internal";
export type IpcError = { code: IpcErrorCode; message: string; detail: string | null };

export type LabInfo = { base_url: string; issuer: string; clients: string[]; users: string[] };
export type Workspace = { collections: CollectionSummary[]; lab: LabInfo; data_dir: string };

export type StepView = { step_id: string; curl: string | null; diff: TokenDiff | null };
export type RunView = { run_id: number | null; record: RunRecord; graph: Graph; steps: StepView[] };

export type RunProgress = {
  collection: string;
  scenario_id: string;
  index: number;
  step_id: string;
  phase: "started" | "finished";
  record: StepRecord | null;
};

export type DiscoveryView = {
  metadata_url: string;
  token_endpoint: string | null;
  jwks_uri: string | null;
  introspection_endpoint: string | null;
  token_exchange_advertised: boolean;
  findings: Finding[];
};
