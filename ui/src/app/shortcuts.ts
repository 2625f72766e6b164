import { PRESENTATION_SHORTCUTS } from "../features/presentation/shortcuts";
import { RUN_SHORTCUT } from "../features/scenarios/ScenarioView";

export type Shortcut = { keys: string; does: string };

const SAVE_SHORTCUT = RUN_SHORTCUT.startsWith("⌘") ? "⌘+S" : "Ctrl+S";
export type ShortcutGroup = { title: string; shortcuts: readonly Shortcut[] };

/** The keys the app answers to, by where they work. Each feature's keys are listed here, in one
 * place, so that the "?" overlay never leaves one out. */
const APP_SHORTCUTS: readonly ShortcutGroup[] = [
  {
    title: "Anywhere",
    shortcuts: [
      { keys: "?", does: "Show the keyboard shortcuts (when not typing in a field)" },
      { keys: "Esc", does: "Close a dialog or this list" },
      { keys: "Tab / Shift+Tab", does: "Move between the sidebar, the toolbar and the open view" },
    ],
  },
  {
    title: "Scenario",
    shortcuts: [{ keys: RUN_SHORTCUT, does: "Run the open scenario" }],
  },
  {
    title: "Collections tree (sidebar)",
    shortcuts: [
      { keys: "↑ / ↓", does: "Move to the previous / next collection or scenario" },
      { keys: "Home / End", does: "Move to the first / last item" },
      { keys: "→", does: "Open a collection, or move into its scenarios" },
      { keys: "←", does: "Close a collection, or go back up to it from a scenario" },
      { keys: "Enter / Space", does: "Open the scenario, or open the collection" },
      { keys: "Shift+F10 / Menu", does: "Show the actions of the collection or scenario (right click does too)" },
      { keys: "F2", does: "Rename the collection or scenario" },
      { keys: "Delete", does: "Delete the scenario (Undo is offered)" },
    ],
  },
  {
    title: "Lab policy editor",
    shortcuts: [{ keys: SAVE_SHORTCUT, does: "Apply the policy (the lab restarts with it)" }],
  },
  {
    title: "Renaming",
    shortcuts: [
      { keys: "Enter", does: "Keep the new name" },
      { keys: "Esc", does: "Cancel the rename" },
    ],
  },
];

// The one place where other features' lists join the app's: a feature that adds keys exports
// them as `Shortcut[]` and is listed here.
const FEATURE_SHORTCUTS: readonly ShortcutGroup[] = [{ title: "Presentation", shortcuts: PRESENTATION_SHORTCUTS }];

export const SHORTCUT_GROUPS: readonly ShortcutGroup[] = [...APP_SHORTCUTS, ...FEATURE_SHORTCUTS];
