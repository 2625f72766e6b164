import { useCallback, useState } from "react";

export type Drawing = "graph" | "chain" | "both";

const KEY = "baton.drawing";
const CHOICES: { value: Drawing; label: string }[] = [
  { value: "graph", label: "Graph" },
  { value: "chain", label: "Chain" },
  { value: "both", label: "Both" },
];

function stored(): Drawing {
  try {
    const v = window.localStorage.getItem(KEY);
    return v === "chain" || v === "both" ? v : "graph";
  } catch {
    return "graph";
  }
}

/** Which drawing a scenario shows — the token graph, the chain of principals, or both — kept
 * across scenarios and restarts. */
export function useDrawing(): [Drawing, (d: Drawing) => void] {
  const [drawing, setDrawing] = useState<Drawing>(stored);
  const choose = useCallback((d: Drawing) => {
    setDrawing(d);
    try {
      window.localStorage.setItem(KEY, d);
    } catch {
      // Without storage the choice lasts until the app closes.
    }
  }, []);
  return [drawing, choose];
}

export function DrawingSwitch({ value, onChange }: { value: Drawing; onChange: (d: Drawing) => void }) {
  return (
    <div className="view-switch" role="group" aria-label="Show">
      {CHOICES.map((c) => (
        <button key={c.value} type="button" aria-pressed={value === c.value} onClick={() => onChange(c.value)}>
          {c.label}
        </button>
      ))}
    </div>
  );
}
