// Presentation mode's keys, in one place: the mode handles them, the shortcut overlay lists them.

export const PRESENT_KEY = "p";
export const NEXT_KEYS: readonly string[] = ["ArrowRight", "PageDown"];
export const PREVIOUS_KEYS: readonly string[] = ["ArrowLeft", "PageUp"];
export const EXIT_KEY = "Escape";

export const PRESENTATION_SHORTCUTS: { keys: string; does: string }[] = [
  { keys: "P", does: "Present the open scenario, one step at a time (when not typing)" },
  { keys: "→ or Page Down", does: "Presentation: the next step" },
  { keys: "← or Page Up", does: "Presentation: the previous step" },
  { keys: "Esc", does: "Leave the presentation" },
];
