import type { MenuItem } from "../../shared/Menu";

export type CollectionActions = {
  newScenario: () => void;
  runCollection?: () => void;
  environments: () => void;
  rename: () => void;
  duplicate: () => void;
  exportFile: () => void;
  remove: () => void;
};

export type ScenarioActions = {
  open: () => void;
  rename: () => void;
  duplicate: () => void;
  remove: () => void;
};

/** What a collection's “⋯” button and context menu offer, in the order they show it: what adds
 * to it, what opens beside it, what changes it, and Delete apart at the end. */
export function collectionMenuItems(a: CollectionActions): MenuItem[] {
  return [
    { label: "New scenario", onSelect: a.newScenario },
    ...(a.runCollection ? [{ label: "Run collection…", onSelect: a.runCollection }] : []),
    { label: "Environments…", onSelect: a.environments },
    { label: "Rename", onSelect: a.rename, shortcut: "F2", separated: true },
    { label: "Duplicate", onSelect: a.duplicate },
    { label: "Export…", onSelect: a.exportFile },
    { label: "Delete", onSelect: a.remove, danger: true, separated: true },
  ];
}

/** What a scenario's “⋯” button and context menu offer. */
export function scenarioMenuItems(a: ScenarioActions): MenuItem[] {
  return [
    { label: "Open", onSelect: a.open, shortcut: "Enter" },
    { label: "Rename", onSelect: a.rename, shortcut: "F2", separated: true },
    { label: "Duplicate", onSelect: a.duplicate },
    { label: "Delete", onSelect: a.remove, shortcut: "Del", danger: true, separated: true },
  ];
}
