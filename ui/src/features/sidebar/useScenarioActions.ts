import { useRef } from "react";

import type { Collection } from "../../api/types";
import type { WorkspaceApi } from "../../app/useWorkspace";
import { useToast } from "../../shared/Toast";
import { addScenario, duplicateScenario, removeScenario, renameScenario, restoreScenario } from "./scenarioEdits";

/** New, rename, duplicate and delete (with Undo) of scenarios: each an edit of the whole
 * collection, saved with `save_collection`. `onShown` opens and focuses a scenario in the tree. */
export function useScenarioActions(ws: WorkspaceApi, onShown: (collection: string, scenarioId: string, open: boolean) => void) {
  const toast = useToast();
  // Undo runs later, against the collection as it is then, not as it was when deleting.
  const latest = useRef(ws.collections);
  latest.current = ws.collections;

  const loaded = async (name: string): Promise<Collection | null> => latest.current[name] ?? (await ws.open(name));

  const create = async (name: string) => {
    const collection = await loaded(name);
    if (!collection) return;
    const next = addScenario(collection);
    if (await ws.save(next.collection)) onShown(name, next.scenario.id, true);
  };

  const rename = async (name: string, id: string, to: string) => {
    const collection = await loaded(name);
    if (collection) await ws.save(renameScenario(collection, id, to));
  };

  const duplicate = async (name: string, id: string) => {
    const collection = await loaded(name);
    const next = collection ? duplicateScenario(collection, id) : null;
    if (next && (await ws.save(next.collection))) onShown(name, next.scenario.id, true);
  };

  const remove = async (name: string, id: string) => {
    const collection = await loaded(name);
    const removed = collection ? removeScenario(collection, id) : null;
    if (!removed || !(await ws.save(removed.collection))) return;
    const { scenario, index } = removed;
    toast.show(`Deleted scenario “${scenario.name}”`, {
      label: "Undo",
      run: () => {
        void (async () => {
          const current = await loaded(name);
          if (current && (await ws.save(restoreScenario(current, scenario, index)))) {
            toast.show(`Restored scenario “${scenario.name}”`);
            onShown(name, scenario.id, false);
          }
        })();
      },
    });
  };

  return { create, rename, duplicate, remove };
}
