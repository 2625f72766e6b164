import { useEffect, useState } from "react";

import { listenSignIn } from "../../api/signin";
import type { SignInWaiting } from "../../api/types";

/** The sign-in a running step waits for, from the `sign-in-waiting` event until
 * `sign-in-finished`; null when none waits. */
export function useSignIn(): SignInWaiting | null {
  const [waiting, setWaiting] = useState<SignInWaiting | null>(null);
  useEffect(() => {
    let unlisten: (() => void) | null = null;
    let gone = false;
    void listenSignIn(setWaiting, () => setWaiting(null)).then((u) => {
      if (gone) u();
      else unlisten = u;
    });
    return () => {
      gone = true;
      unlisten?.();
    };
  }, []);
  return waiting;
}
