import { call } from "./ipc";
import type { Collection, CollectionSummary, Workspace } from "./types";

export const loadWorkspace = () => call<Workspace>("workspace");

export const loadCollection = (name: string) => call<Collection>("load_collection", { name });

export const saveCollection = (collection: Collection) =>
  call<CollectionSummary>("save_collection", { collection });

export const renameCollection = (from: string, to: string) =>
  call<CollectionSummary>("rename_collection", { from, to });

export const duplicateCollection = (from: string, to: string) =>
  call<CollectionSummary>("duplicate_collection", { from, to });

/** Resolves to what was deleted: saving it again is the Undo. */
export const deleteCollection = (name: string) => call<Collection>("delete_collection", { name });
