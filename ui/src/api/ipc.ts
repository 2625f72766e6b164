import { invoke } from "@tauri-apps/api/core";

import type { IpcError, IpcErrorCode } from "./types";

// A record, so that a code added on the Rust side fails the type check until it is listed here.
const KNOWN_CODES: Record<IpcErrorCode, true> = {
  not_found: true,
  invalid_input: true,
  unresolved: true,
  conflict: true,
  store: true,
  transport: true,
  internal: true,
};
const CODES = Object.keys(KNOWN_CODES);

export function isIpcError(value: unknown): value is IpcError {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.code === "string" &&
    CODES.includes(v.code) &&
    typeof v.message === "string"
  );
}

/** The 1-based line of a policy or file mistake, when the error names one. */
function lineOf(value: IpcError): number | null {
  return typeof value.line === "number" && Number.isInteger(value.line) && value.line > 0 ? value.line : null;
}

/** Whatever a command rejected with, as an `IpcError`: the shell sends one; anything else
 * (a string from Tauri itself, an exception in the bridge) is a bug and reported as `internal`. */
export function toIpcError(value: unknown): IpcError {
  if (isIpcError(value)) {
    const error: IpcError = { code: value.code, message: value.message, detail: value.detail ?? null, line: lineOf(value) };
    if (typeof value.field === "string") error.field = value.field;
    return error;
  }
  if (value instanceof Error) return { code: "internal", message: value.message, detail: value.stack ?? null, line: null };
  return { code: "internal", message: typeof value === "string" ? value : JSON.stringify(value), detail: null, line: null };
}

/** Invokes a command; a failure rejects with an `IpcError`. */
export async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toIpcError(e);
  }
}
