import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";

export type ToastAction = { label: string; run: () => void };
export type ToastMessage = { id: number; text: string; action?: ToastAction };

type ToastApi = { show: (text: string, action?: ToastAction) => void };

const ToastContext = createContext<ToastApi>({ show: () => {} });

export const useToast = () => useContext(ToastContext);

const SHOW_FOR_MS = 10_000;

/** One toast at a time, at the bottom; an action (Undo) dismisses it when used. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toast, setToast] = useState<ToastMessage | null>(null);
  const next = useRef(1);
  const show = useCallback((text: string, action?: ToastAction) => {
    const message: ToastMessage = { id: next.current++, text };
    if (action) message.action = action;
    setToast(message);
  }, []);
  const api = useMemo(() => ({ show }), [show]);

  useEffect(() => {
    if (!toast) return;
    const timer = window.setTimeout(() => setToast((t) => (t?.id === toast.id ? null : t)), SHOW_FOR_MS);
    return () => window.clearTimeout(timer);
  }, [toast]);

  return (
    <ToastContext.Provider value={api}>
      {children}
      <div className="toast-region" role="status" aria-live="polite">
        {toast ? (
          <div className="toast">
            <span>{toast.text}</span>
            {toast.action ? (
              <button
                type="button"
                className="button button--small"
                onClick={() => {
                  const action = toast.action;
                  setToast(null);
                  action?.run();
                }}
              >
                {toast.action.label}
              </button>
            ) : null}
            <button type="button" className="button button--quiet" aria-label="Dismiss" onClick={() => setToast(null)}>
              ×
            </button>
          </div>
        ) : null}
      </div>
    </ToastContext.Provider>
  );
}
