import type { Collection, Environment } from "../../api/types";
import { uniqueName } from "../../app/uniqueName";

export type VariableRow = { key: number; name: string; value: string };

const withEnvironments = (collection: Collection, environments: Environment[]): Collection => ({ ...collection, environments });

export function addEnvironment(collection: Collection): Collection {
  const environments = collection.environments ?? [];
  const name = uniqueName("New environment", environments.map((e) => e.name));
  return withEnvironments(collection, [...environments, { name, variables: {} }]);
}

export function replaceEnvironment(collection: Collection, index: number, environment: Environment): Collection {
  return withEnvironments(
    collection,
    (collection.environments ?? []).map((e, i) => (i === index ? environment : e)),
  );
}

export function removeEnvironment(collection: Collection, index: number): Collection {
  return withEnvironments(collection, (collection.environments ?? []).filter((_, i) => i !== index));
}

/** Puts a deleted environment back at its index (or at the end, if the list got shorter). */
export function restoreEnvironment(collection: Collection, environment: Environment, index: number): Collection {
  const environments = (collection.environments ?? []).filter((e) => e.name !== environment.name);
  const at = Math.min(index, environments.length);
  return withEnvironments(collection, [...environments.slice(0, at), environment, ...environments.slice(at)]);
}

export const rowsOf = (environment: Environment): VariableRow[] =>
  Object.entries(environment.variables ?? {}).map(([name, value], key) => ({ key, name, value }));

/** The environment the editor's fields describe, or what is wrong with them. Rows with neither a
 * name nor a value are left out. */
export function environmentFrom(
  name: string,
  rows: VariableRow[],
  otherNames: string[],
): { environment: Environment } | { problem: string } {
  const trimmed = name.trim();
  if (!trimmed) return { problem: "The environment needs a name." };
  if (otherNames.includes(trimmed)) return { problem: `Another environment is named “${trimmed}”.` };
  const variables: Record<string, string> = {};
  for (const row of rows) {
    const key = row.name.trim();
    if (!key && !row.value) continue;
    if (!key) return { problem: `The variable with value “${row.value}” needs a name.` };
    if (key in variables) return { problem: `The variable “${key}” is there twice.` };
    variables[key] = row.value;
  }
  return { environment: { name: trimmed, variables } };
}
