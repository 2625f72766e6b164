import { getCurrentWindow } from "@tauri-apps/api/window";
import { createContext, useCallback, useContext, useEffect, useId, useMemo, useRef, useState, type ReactNode } from "react";

import { Dialog } from "../shared/Dialog";

type Registry = { set: (id: string, what: string | null) => void };

const UnsavedContext = createContext<Registry>({ set: () => {} });

/** Marks the caller as holding unsaved work while `dirty` is true; `what` names it in the
 * question asked before the window closes ("the step “login”"). */
export function useUnsavedGuard(dirty: boolean, what: string) {
  const registry = useContext(UnsavedContext);
  const id = useId();
  useEffect(() => {
    registry.set(id, dirty ? what : null);
  }, [registry, id, dirty, what]);
  useEffect(() => () => registry.set(id, null), [registry, id]);
}

/** The app's window, or `null` where there is none (the browser tests, Vitest). */
function appWindow() {
  try {
    return getCurrentWindow();
  } catch {
    return null;
  }
}

/** "a", "a and b", "a, b and c". */
export function listed(items: string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** Keeps track of unsaved work and asks before the window closes while there is some: the
 * window's close request is held and a dialog offers to keep editing or close anyway. In a plain
 * browser, the page asks through `beforeunload`. */
export function UnsavedChangesProvider({ children }: { children: ReactNode }) {
  const dirty = useRef(new Map<string, string>());
  const [asking, setAsking] = useState<string[] | null>(null);

  const registry = useMemo<Registry>(
    () => ({
      set: (id, what) => {
        if (what === null) dirty.current.delete(id);
        else dirty.current.set(id, what);
      },
    }),
    [],
  );

  useEffect(() => {
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (dirty.current.size === 0) return;
      e.preventDefault();
      e.returnValue = "";
    };
    window.addEventListener("beforeunload", onBeforeUnload);

    let unlisten: (() => void) | null = null;
    let gone = false;
    const win = appWindow();
    win
      ?.onCloseRequested((event) => {
        if (dirty.current.size === 0) return;
        event.preventDefault();
        setAsking([...new Set(dirty.current.values())]);
      })
      .then((stop) => (gone ? stop() : (unlisten = stop)))
      .catch(() => {
        // No window events here (a browser without the shell): beforeunload still guards.
      });
    return () => {
      gone = true;
      window.removeEventListener("beforeunload", onBeforeUnload);
      unlisten?.();
    };
  }, []);

  const closeAnyway = useCallback(() => {
    setAsking(null);
    dirty.current.clear();
    void appWindow()?.destroy();
  }, []);

  return (
    <UnsavedContext.Provider value={registry}>
      {children}
      {asking ? (
        <Dialog label="Unsaved changes" onClose={() => setAsking(null)} className="unsaved">
          <h2>Unsaved changes</h2>
          <p>Discard unsaved changes to {listed(asking)}?</p>
          <div className="form-actions">
            <button type="button" className="button button--primary" onClick={() => setAsking(null)} data-autofocus>
              Keep editing
            </button>
            <button type="button" className="button button--danger" onClick={closeAnyway}>
              Close anyway
            </button>
          </div>
        </Dialog>
      ) : null}
    </UnsavedContext.Provider>
  );
}
