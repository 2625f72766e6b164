import { call } from "./ipc";
import type { CollectionSummary, FileChoice, FilePurpose } from "./types";

/**
 * Opens Baton's own file dialog (the window cannot open one, nor name a path): `null` when the
 * user cancels, else a grant for the picked file that one command may use once.
 */
export const chooseFile = (purpose: FilePurpose, name?: string) =>
  call<FileChoice | null>("choose_file", { purpose, name: name ?? null });

export const importCollection = (grant: string) =>
  call<CollectionSummary>("import_collection", { grant });

export const exportCollection = (name: string, grant: string) =>
  call<null>("export_collection", { name, grant });
