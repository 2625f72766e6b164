import { useCallback, useState } from "react";

/** Where the scenario's side panel (inspector, step form, history) goes: a drawer over the graph,
 * which keeps the graph at full width under it, or a column beside the graph, which narrows it. */
export type PanelPlacement = "drawer" | "beside";

export const PANEL_PLACEMENT_KEY = "baton.panelPlacement";
/** The drawer's width in px (styles.css `.panel--drawer`: at most half the graph's width). */
export const DRAWER_PX = 440;

function stored(): PanelPlacement {
  try {
    return localStorage.getItem(PANEL_PLACEMENT_KEY) === "beside" ? "beside" : "drawer";
  } catch {
    return "drawer";
  }
}

/** The user's choice of placement, remembered across sessions (localStorage). */
export function usePanelPlacement(): [PanelPlacement, (p: PanelPlacement) => void] {
  const [placement, setPlacement] = useState<PanelPlacement>(stored);
  const choose = useCallback((p: PanelPlacement) => {
    setPlacement(p);
    try {
      localStorage.setItem(PANEL_PLACEMENT_KEY, p);
    } catch {
      // Storage refused (private mode, full): the choice holds for this session only.
    }
  }, []);
  return [placement, choose];
}
