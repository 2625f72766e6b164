import { getCurrentWindow } from "@tauri-apps/api/window";
import { useEffect } from "react";

// Window calls run one after another, so that leaving never overtakes entering.
let queue: Promise<void> = Promise.resolve();
// Whether the window was already full screen when the presentation began: leaving restores it.
let wasFullscreen: boolean | null = null;

function enqueue(work: () => Promise<void>) {
  // In a browser or a test there is no Tauri window: presenting goes on in the page as it is.
  queue = queue.then(work).catch(() => {});
}

function enterFullscreen() {
  enqueue(async () => {
    const win = getCurrentWindow();
    wasFullscreen ??= await win.isFullscreen();
    if (!wasFullscreen) await win.setFullscreen(true);
  });
}

function leaveFullscreen() {
  enqueue(async () => {
    const was = wasFullscreen;
    wasFullscreen = null;
    if (was === false) await getCurrentWindow().setFullscreen(false);
  });
}

/** The window fills the screen while the calling component is shown. */
export function useFullscreen() {
  useEffect(() => {
    enterFullscreen();
    return leaveFullscreen;
  }, []);
}
