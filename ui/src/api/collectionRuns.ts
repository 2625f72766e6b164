import { listen, type UnlistenFn } from "@tauri-apps/api/event";

import { call } from "./ipc";
import type { CollectionProgress, CollectionRunView } from "./types";

/** Runs the collection's scenarios (all of them when `scenarioIds` is null), each run saved. */
export const runCollection = (collection: string, scenarioIds: string[] | null, environment: string | null) =>
  call<CollectionRunView>("run_collection", { collection, scenarioIds, environment });

/** Stops the collection run before its next step; resolves to whether one was going. */
export const cancelCollectionRun = () => call<boolean>("cancel_collection_run");

export const COLLECTION_PROGRESS = "collection-progress";

/** Calls `onProgress` for every `collection-progress` event until the returned function is called. */
export function listenCollectionProgress(onProgress: (p: CollectionProgress) => void): Promise<UnlistenFn> {
  return listen<CollectionProgress>(COLLECTION_PROGRESS, (event) => onProgress(event.payload));
}
