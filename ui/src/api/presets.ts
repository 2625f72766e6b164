import { call } from "./ipc";
import type { FilledPreset, PresetInfo } from "./types";

export const listPresets = () => call<PresetInfo[]>("list_presets");

/** A preset filled with `params`; a missing or wrong parameter rejects with an error whose
 * `field` names it. */
export const fillPreset = (id: string, params: Record<string, string>) => call<FilledPreset>("fill_preset", { id, params });
