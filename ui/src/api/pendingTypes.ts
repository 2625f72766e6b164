// TEMPORARY: docs/ipc.md's Teaching-and-QA types until ts-rs generates them into ../bindings.
// Delete this file once they are there and import from ./types.
import type { AssertionOutcome } from "../bindings/AssertionOutcome";
import type { JsonValue } from "../bindings/serde_json/JsonValue";

export type LabView = {
  base_url: string;
  issuer: string;
  policy_toml: string;
  is_default: boolean;
  restarted_at: number;
  clients: LabClientView[];
  users: LabUserView[];
  audiences: string[];
};
export type LabClientView = {
  client_id: string;
  description: string | null;
  auth: string;
  grants: string[];
  may_delegate: boolean;
  may_impersonate: boolean;
  audiences: string[];
  may_act: string | null;
};
export type LabUserView = { username: string; scopes: string[]; may_act: string | null };
export type LabRequestView = {
  time_ms: number;
  endpoint: string;
  grant_type: string | null;
  client_id: string | null;
  status: number;
  outcome: "issued" | "introspected" | "served" | "refused";
  detail: string;
};
export type ClaimPath = { path: string; value: JsonValue };
export type AssertionPreview = { claims: ClaimPath[]; outcomes: AssertionOutcome[] };
