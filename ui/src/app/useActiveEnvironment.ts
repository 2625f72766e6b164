import { useCallback, useState } from "react";

import type { Collection } from "../api/types";

const STORAGE_KEY = "baton.activeEnvironments";

function readChoices(): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "{}");
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}

function writeChoices(choices: Record<string, string>) {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(choices));
  } catch {
    // Not remembered across restarts, but still switched for this session.
  }
}

/** The environment runs use in a collection: the one last chosen for it (remembered across
 * restarts), or its first when that one is gone or none was chosen; `null` when it has none. */
export function useActiveEnvironment(collection: Collection | undefined) {
  const [choices, setChoices] = useState<Record<string, string>>(readChoices);
  const environments = collection?.environments ?? [];
  const chosen = collection ? choices[collection.name] : undefined;
  const environment = environments.some((e) => e.name === chosen) ? (chosen ?? null) : (environments[0]?.name ?? null);

  const name = collection?.name;
  const choose = useCallback(
    (next: string) => {
      if (!name) return;
      setChoices((all) => {
        const updated = { ...all, [name]: next };
        writeChoices(updated);
        return updated;
      });
    },
    [name],
  );

  return { environment, environments: environments.map((e) => e.name), choose };
}
