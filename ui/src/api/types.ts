// The IPC types, from one place: generated ones from ../bindings (ts-rs), and, until the shell's
// own types are generated, the stand-ins of ./pending-bindings. Features import types from here.

export type { ActChain } from "../bindings/ActChain";
export type { Assertion } from "../bindings/Assertion";
export type { AssertionOutcome } from "../bindings/AssertionOutcome";
export type { AuthMethod } from "../bindings/AuthMethod";
export type { ClaimTextDiff } from "../bindings/ClaimTextDiff";
export type { Client } from "../bindings/Client";
export type { Collection } from "../bindings/Collection";
export type { CollectionSummary } from "../bindings/CollectionSummary";
export type { DecodedToken } from "../bindings/DecodedToken";
export type { EdgeRole } from "../bindings/EdgeRole";
export type { Environment } from "../bindings/Environment";
export type { ExchangeEdge } from "../bindings/ExchangeEdge";
export type { ExchangeKind } from "../bindings/ExchangeKind";
export type { ExchangeStep } from "../bindings/ExchangeStep";
export type { Finding } from "../bindings/Finding";
export type { Graph } from "../bindings/Graph";
export type { InputToken } from "../bindings/InputToken";
export type { InspectStep } from "../bindings/InspectStep";
export type { IntrospectStep } from "../bindings/IntrospectStep";
export type { Jwt } from "../bindings/Jwt";
export type { Principal } from "../bindings/Principal";
export type { RecordedRequest } from "../bindings/RecordedRequest";
export type { RunOutcome } from "../bindings/RunOutcome";
export type { RunRecord } from "../bindings/RunRecord";
export type { RunSummary } from "../bindings/RunSummary";
export type { Scenario } from "../bindings/Scenario";
export type { SecondsDiff } from "../bindings/SecondsDiff";
export type { Server } from "../bindings/Server";
export type { Severity } from "../bindings/Severity";
export type { Step } from "../bindings/Step";
export type { StepKind } from "../bindings/StepKind";
export type { StepRecord } from "../bindings/StepRecord";
export type { StepStatus } from "../bindings/StepStatus";
export type { TokenDiff } from "../bindings/TokenDiff";
export type { TokenNode } from "../bindings/TokenNode";
export type { TokenRecord } from "../bindings/TokenRecord";
export type { TokenResponse } from "../bindings/TokenResponse";
export type { TokenStep } from "../bindings/TokenStep";
export type { ValuesDiff } from "../bindings/ValuesDiff";
export type { VerificationRecord } from "../bindings/VerificationRecord";

export type {
  DiscoveryView,
  IpcError,
  IpcErrorCode,
  LabInfo,
  RunProgress,
  RunView,
  StepView,
  Workspace,
} from "./pending-bindings";
