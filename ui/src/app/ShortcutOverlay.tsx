import { useEffect } from "react";

import { Dialog } from "../shared/Dialog";
import { SHORTCUT_GROUPS } from "./shortcuts";

/** Every key the app answers to, grouped by where it works. */
export function ShortcutOverlay({ onClose }: { onClose: () => void }) {
  return (
    <Dialog label="Keyboard shortcuts" onClose={onClose} className="shortcuts">
      <div className="dialog__head">
        <h2>Keyboard shortcuts</h2>
        <button type="button" className="button button--quiet" aria-label="Close" onClick={onClose} data-autofocus>
          ×
        </button>
      </div>
      <div className="shortcuts__groups">
        {SHORTCUT_GROUPS.map((group) => (
          <section key={group.title} aria-label={group.title}>
            <h3>{group.title}</h3>
            <dl className="shortcuts__list">
              {group.shortcuts.map((s) => (
                <div key={`${s.keys}-${s.does}`} className="shortcuts__row">
                  <dt>
                    <kbd>{s.keys}</kbd>
                  </dt>
                  <dd>{s.does}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </Dialog>
  );
}

/** Whether a key press goes to something the user types in (where "?" is just a character). */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag !== "INPUT") return false;
  const type = (target as HTMLInputElement).type;
  return !["button", "checkbox", "radio", "submit", "reset", "range", "color", "file"].includes(type);
}

/** Calls `open` when "?" is pressed anywhere but in a field. */
export function useShortcutKey(open: () => void) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "?" || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented || isTyping(e.target)) return;
      e.preventDefault();
      open();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open]);
}
