import type { Collection, Scenario } from "../../api/types";
import { uniqueName } from "../../app/uniqueName";

/** `base`, or `base-2`, `base-3`, … : the first id no scenario of the collection has. */
export function uniqueScenarioId(base: string, collection: Collection): string {
  const taken = new Set((collection.scenarios ?? []).map((s) => s.id));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

const withScenarios = (collection: Collection, scenarios: Scenario[]): Collection => ({ ...collection, scenarios });
const namesOf = (collection: Collection) => (collection.scenarios ?? []).map((s) => s.name);

/** The collection with an empty scenario "New scenario" (or "New scenario 2", …) at the end. */
export function addScenario(collection: Collection): { collection: Collection; scenario: Scenario } {
  const scenario: Scenario = {
    id: uniqueScenarioId("new-scenario", collection),
    name: uniqueName("New scenario", namesOf(collection)),
    steps: [],
  };
  return { collection: withScenarios(collection, [...(collection.scenarios ?? []), scenario]), scenario };
}

export function renameScenario(collection: Collection, id: string, name: string): Collection {
  return withScenarios(
    collection,
    (collection.scenarios ?? []).map((s) => (s.id === id ? { ...s, name } : s)),
  );
}

/** The collection with a copy of scenario `id` right after it, under a free id and name. */
export function duplicateScenario(collection: Collection, id: string): { collection: Collection; scenario: Scenario } | null {
  const scenarios = collection.scenarios ?? [];
  const index = scenarios.findIndex((s) => s.id === id);
  const original = scenarios[index];
  if (!original) return null;
  const copy: Scenario = {
    ...(JSON.parse(JSON.stringify(original)) as Scenario),
    id: uniqueScenarioId(`${original.id}-copy`, collection),
    name: uniqueName(`${original.name} copy`, namesOf(collection)),
  };
  const next = [...scenarios.slice(0, index + 1), copy, ...scenarios.slice(index + 1)];
  return { collection: withScenarios(collection, next), scenario: copy };
}

/** The collection without scenario `id`, and what Undo needs to put it back where it was. */
export function removeScenario(collection: Collection, id: string): { collection: Collection; scenario: Scenario; index: number } | null {
  const scenarios = collection.scenarios ?? [];
  const index = scenarios.findIndex((s) => s.id === id);
  const scenario = scenarios[index];
  if (!scenario) return null;
  return { collection: withScenarios(collection, scenarios.filter((s) => s.id !== id)), scenario, index };
}

/** Puts a deleted scenario back at its index (or at the end, if the list got shorter). */
export function restoreScenario(collection: Collection, scenario: Scenario, index: number): Collection {
  const scenarios = (collection.scenarios ?? []).filter((s) => s.id !== scenario.id);
  const at = Math.min(index, scenarios.length);
  return withScenarios(collection, [...scenarios.slice(0, at), scenario, ...scenarios.slice(at)]);
}
