import type { Collection, CollectionSummary } from "../../api/types";

export type TreeItem =
  | { key: string; kind: "collection"; collection: string; expanded: boolean }
  | { key: string; kind: "scenario"; collection: string; scenarioId: string };

export const collectionKey = (name: string) => `c:${name}`;
export const scenarioKey = (collection: string, id: string) => `s:${collection}\u0000${id}`;

/** The rows a user can move through, top to bottom: collections, and the scenarios of the
 * expanded ones. */
export function visibleItems(
  summaries: CollectionSummary[],
  expanded: ReadonlySet<string>,
  loaded: Record<string, Collection>,
): TreeItem[] {
  const items: TreeItem[] = [];
  for (const summary of summaries) {
    const open = expanded.has(summary.name);
    items.push({ key: collectionKey(summary.name), kind: "collection", collection: summary.name, expanded: open });
    if (!open) continue;
    for (const scenario of loaded[summary.name]?.scenarios ?? []) {
      items.push({
        key: scenarioKey(summary.name, scenario.id),
        kind: "scenario",
        collection: summary.name,
        scenarioId: scenario.id,
      });
    }
  }
  return items;
}
