import { listen, type UnlistenFn } from "@tauri-apps/api/event";

import { call } from "./ipc";
import type { SignInFinished, SignInWaiting } from "./types";

export const SIGN_IN_WAITING = "sign-in-waiting";
export const SIGN_IN_FINISHED = "sign-in-finished";

/** Ends the wait of the sign-in waiting now (its step fails as cancelled); false when none waits. */
export const cancelSignIn = () => call<boolean>("cancel_sign_in");

/** Opens the waiting sign-in's page in the system browser again; false when none waits. */
export const openSignInAgain = () => call<boolean>("open_sign_in_again");

/** Calls `onWaiting` / `onFinished` for each sign-in event until the returned function is called. */
export async function listenSignIn(
  onWaiting: (w: SignInWaiting) => void,
  onFinished: (f: SignInFinished) => void,
): Promise<UnlistenFn> {
  const waiting = await listen<SignInWaiting>(SIGN_IN_WAITING, (e) => onWaiting(e.payload));
  const finished = await listen<SignInFinished>(SIGN_IN_FINISHED, (e) => onFinished(e.payload));
  return () => {
    waiting();
    finished();
  };
}
