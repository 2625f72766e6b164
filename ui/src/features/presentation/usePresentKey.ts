import { useEffect, useRef } from "react";

import { PRESENT_KEY } from "./shortcuts";

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

/** P starts the presentation, unless the user is typing, holds a modifier, or `enabled` is off. */
export function usePresentKey(onPresent: () => void, enabled: boolean) {
  const present = useRef(onPresent);
  present.current = onPresent;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key.toLowerCase() !== PRESENT_KEY || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      if (isTyping(e.target)) return;
      e.preventDefault();
      present.current();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [enabled]);
}
