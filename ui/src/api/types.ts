// The IPC types, from one place: generated ones from ../bindings (ts-rs), and, until ts-rs
// writes them, the stand-ins of ./pending-bindings. Features import types from here only.

export type { Graph } from "../bindings/Graph";
export type { TokenNode } from "../bindings/TokenNode";
export type { ExchangeEdge } from "../bindings/ExchangeEdge";
export type { EdgeRole } from "../bindings/EdgeRole";
export type { ExchangeKind } from "../bindings/ExchangeKind";

export type {
  ActChain,
  Assertion,
  AssertionOutcome,
  AuthMethod,
  Client,
  Collection,
  CollectionSummary,
  DecodedToken,
  DiscoveryView,
  Environment,
  ExchangeStep,
  Finding,
  InputToken,
  InspectStep,
  IntrospectStep,
  IpcError,
  IpcErrorCode,
  Jwt,
  LabInfo,
  Principal,
  RecordedRequest,
  RunOutcome,
  RunProgress,
  RunRecord,
  RunSummary,
  RunView,
  Scenario,
  Server,
  Severity,
  Step,
  StepKind,
  StepRecord,
  StepStatus,
  StepView,
  ClaimTextDiff,
  SecondsDiff,
  TokenDiff,
  ValuesDiff,
  TokenRecord,
  TokenResponse,
  TokenStep,
  VerificationRecord,
  Workspace,
} from "./pending-bindings";

