// Stand-ins for IPC types that ts-rs has not generated into ../bindings yet, written from
// docs/ipc.md and crates/baton-core/src/scenario/{model,record}.rs. Each one is deleted as soon
// as its generated file lands; nothing outside ./types.ts imports this file.

import type { Graph } from "../bindings/Graph";

type Json = unknown;

export type IpcErrorCode =
  | "not_found"
  | "invalid_input"
  | "unresolved"
  | "conflict"
  | "store"
  | "transport"
  | "internal";
export type IpcError = { code: IpcErrorCode; message: string; detail: string | null };

export type AuthMethod = "client_secret_basic" | "client_secret_post" | "private_key_jwt" | "none";
export type Severity = "info" | "warning" | "error";

export type Server = {
  id: string;
  name?: string | null;
  issuer?: string | null;
  token_endpoint: string;
  jwks_uri?: string | null;
  introspection_endpoint?: string | null;
};
export type Client = {
  id: string;
  server: string;
  client_id: string;
  auth: AuthMethod;
  secret?: string | null;
  private_key?: string | null;
  key_id?: string | null;
};
export type Environment = { name: string; variables?: Record<string, string> };

export type FirstGrant = "client_credentials" | "password" | "refresh_token";
export type TokenStep = {
  client: string;
  grant: FirstGrant;
  username?: string | null;
  password?: string | null;
  refresh_token?: string | null;
  audience?: string[];
  resource?: string[];
  scope?: string | null;
  params?: Record<string, string>;
};
export type ExchangeStep = {
  client: string;
  subject_token: string;
  subject_token_type: string;
  actor_token?: string | null;
  actor_token_type?: string | null;
  requested_token_type?: string | null;
  audience?: string[];
  resource?: string[];
  scope?: string | null;
  params?: Record<string, string>;
};
export type IntrospectStep = { client: string; token: string; token_type_hint?: string | null };
export type InspectStep = { token: string; server?: string | null };

export type Assertion = {
  status?: number;
  error?: string;
  claim?: string;
  equals?: Json;
  contains?: Json;
  matches?: string;
  exists?: boolean;
  scope_subset_of?: string[];
  scope_subset_of_subject?: boolean;
  aud_contains?: string;
  sub_preserved?: boolean;
  act_chain?: string[];
  act_depth?: number;
  no_findings_at_or_above?: Severity;
};

export type Step = {
  id: string;
  name: string;
  notes?: string | null;
  token?: TokenStep | null;
  exchange?: ExchangeStep | null;
  introspect?: IntrospectStep | null;
  inspect?: InspectStep | null;
  assert?: Assertion[];
};
export type Scenario = { id: string; name: string; description?: string | null; steps?: Step[] };
export type Collection = {
  name: string;
  description?: string | null;
  servers?: Server[];
  clients?: Client[];
  environments?: Environment[];
  scenarios?: Scenario[];
};

export type CollectionSummary = {
  name: string;
  description: string | null;
  scenario_count: number;
  updated_at: number;
};
export type LabInfo = { base_url: string; issuer: string; clients: string[]; users: string[] };
export type Workspace = { collections: CollectionSummary[]; lab: LabInfo; data_dir: string };

export type Finding = { id: string; severity: Severity; message: string; reference: string };

export type Principal = {
  sub: string | null;
  iss: string | null;
  client_id: string | null;
  claims: Record<string, Json>;
};
export type ActChain = { actors: Principal[]; problem: string | null };
export type Jwt = {
  header: Record<string, Json>;
  claims: Record<string, Json>;
  signature_present: boolean;
  act_chain: ActChain;
  may_act: Json | null;
};
export type Opaque = { reason: string; length: number };
export type DecodedToken = ({ kind: "jwt" } & Jwt) | ({ kind: "opaque" } & Opaque);

export type VerificationRecord = {
  valid: boolean;
  jwks_uri: string;
  kid: string | null;
  alg: string | null;
  problems: string[];
};
export type TokenRecord = {
  fingerprint: string;
  token: string;
  token_type: string | null;
  decoded: DecodedToken;
  verification: VerificationRecord | null;
};
export type InputRole = "subject" | "actor" | "inspected";
export type InputToken = { role: InputRole; from_step: string | null; token: TokenRecord };

export type Method = "GET" | "POST";
export type RecordedRequest = {
  method: Method;
  url: string;
  headers: Array<[string, string]>;
  body: string | null;
};
export type TokenSuccess = {
  access_token: string | null;
  issued_token_type: string | null;
  token_type: string | null;
  expires_in: number | null;
  scope: string | null;
  refresh_token: string | null;
  members: Record<string, Json>;
};
export type OAuthError = {
  error: string;
  error_description: string | null;
  error_uri: string | null;
  members: Record<string, Json>;
};
export type BodyProblem = "empty" | "html" | "not_json" | "not_an_object" | "no_error_member";
export type Outcome =
  | ({ kind: "success" } & TokenSuccess)
  | ({ kind: "error" } & OAuthError)
  | { kind: "unreadable"; problem: BodyProblem; preview: string; detail: string | null };
export type TokenResponse = {
  status: number;
  headers: Array<[string, string]>;
  body: string;
  outcome: Outcome;
};

export type StepKind = "token" | "exchange" | "introspect" | "inspect";
export type StepStatus = "passed" | "failed" | "error" | "skipped";
export type AssertionOutcome = { assertion: Assertion; passed: boolean; message: string };
export type StepRecord = {
  id: string;
  name: string;
  kind: StepKind;
  status: StepStatus;
  error: string | null;
  request: RecordedRequest | null;
  response: TokenResponse | null;
  sent_at: number | null;
  elapsed_ms: number;
  inputs: InputToken[];
  token: TokenRecord | null;
  introspection: Record<string, Json> | null;
  findings: Finding[];
  assertions: AssertionOutcome[];
};
export type RunOutcome = "passed" | "failed";
export type RunRecord = {
  record_version: number;
  collection: string;
  scenario_id: string;
  scenario_name: string;
  environment: string | null;
  started_at: number;
  elapsed_ms: number;
  outcome: RunOutcome;
  steps: StepRecord[];
};
export type RunSummary = {
  id: number;
  scenario_id: string;
  started_at: number;
  outcome: RunOutcome;
  elapsed_ms: number;
};

export type ClaimTextDiff = { before: string | null; after: string | null; preserved: boolean };
export type ValuesDiff = { before: string[]; after: string[]; added: string[]; removed: string[]; narrowed: boolean };
export type SecondsDiff = { before: number | null; after: number | null };
export type ActDiff = { before: string[]; after: string[] };
export type OtherClaimsDiff = { added: string[]; removed: string[]; changed: string[] };
export type TokenDiff = {
  sub: ClaimTextDiff;
  aud: ValuesDiff;
  scope: ValuesDiff;
  exp: SecondsDiff;
  lifetime: SecondsDiff;
  act: ActDiff;
  act_added: boolean;
  iss: ClaimTextDiff;
  client_id: ClaimTextDiff;
  other: OtherClaimsDiff;
};

export type StepView = { step_id: string; curl: string | null; diff: TokenDiff | null };

export type RunProgressPhase = "started" | "finished";
export type RunProgress = {
  collection: string;
  scenario_id: string;
  index: number;
  step_id: string;
  phase: RunProgressPhase;
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

export type RunView = { run_id: number | null; record: RunRecord; graph: Graph; steps: StepView[] };
