export type FakeCall = { cmd: string; args: Record<string, unknown> | undefined };
export type FakeIpcError = { code: string; message: string; detail: string | null };

export type FakeBackend = {
  handle: (cmd: string, args?: Record<string, unknown>) => Promise<unknown>;
  calls: FakeCall[];
  store: Map<string, unknown>;
  releaseRun: () => void;
  releaseCollectionRun: () => void;
  releaseImport: () => void;
  releaseProbeRun: () => void;
  secrets: Map<string, { value: string; stored_in: "keyring" | "store" }>;
  addHistory: (view: unknown) => void;
  failWith: (cmd: string, error: FakeIpcError) => void;
  clearFailure: (cmd: string) => void;
};

export function createFakeBackend(options: {
  collections: unknown[];
  /** The collection a fresh workspace opens first (`Workspace.opens`). */
  opens?: string;
  runs?: Record<string, unknown>;
  failures?: Record<string, FakeIpcError>;
  discovery?: unknown;
  connectionChecks?: unknown[];
  emit: (event: string, payload: unknown) => unknown;
  holdRuns?: boolean;
  holdCollectionRuns?: boolean;
  dialog?: { open?: string | null; save?: string | null };
  compares?: Record<string, unknown>;
  labPolicy?: string;
  labRequests?: unknown[];
  importFiles?: Record<string, unknown>;
  holdImports?: boolean;
  keyring?: { available: boolean; problem: string | null };
  probeReports?: unknown[];
  holdProbeRuns?: boolean;
}): FakeBackend;
