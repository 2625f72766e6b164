import { call } from "./ipc";
import type { LabFaultsView, LabRequestView, LabView } from "./types";

/** The lab token service as it runs now: its address, policy and the principals it knows. */
export const labStatus = () => call<LabView>("lab_status");

/** The requests the lab has answered, newest first (at most 200). */
export const labRequests = () => call<LabRequestView[]>("lab_requests");

/** Restarts the lab on the same port with this policy (TOML). A mistake rejects with
 * `invalid_input` and `line` set, and the running lab keeps its old policy. */
export const applyLabPolicy = (policy: string) => call<LabView>("apply_lab_policy", { policy });

/** Restarts the lab with the built-in policy. */
export const resetLabPolicy = () => call<LabView>("reset_lab_policy");

/** Puts these faults in force on the running lab (all off: cleared). Out-of-bounds values reject
 * with `invalid_input` and change nothing. */
export const setLabFaults = (faults: LabFaultsView) => call<LabView>("set_lab_faults", { faults });
