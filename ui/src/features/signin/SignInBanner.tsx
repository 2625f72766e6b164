import "./signin.css";

import { useEffect, useState } from "react";

import { toIpcError } from "../../api/ipc";
import { cancelSignIn, openSignInAgain } from "../../api/signin";
import type { IpcError, SignInWaiting } from "../../api/types";
import { ErrorBanner } from "../../shared/ErrorBanner";
import { useSignIn } from "./useSignIn";

/** Over the app while a step waits for a person: where to sign in (the address to copy, should
 * no browser have opened), Open again, and Cancel, which fails the step and lets the run go on. */
export function SignInBanner() {
  const waiting = useSignIn();
  return waiting ? <WaitingPanel key={waiting.url} waiting={waiting} /> : null;
}

function WaitingPanel({ waiting }: { waiting: SignInWaiting }) {
  const [cancelling, setCancelling] = useState(false);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(t);
  }, [copied]);

  const at = waiting.server ?? "the server";
  const device = waiting.device;
  const attempt = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(toIpcError(e));
    }
  };
  const cancel = () =>
    attempt(async () => {
      setCancelling(true);
      try {
        await cancelSignIn();
      } catch (e) {
        setCancelling(false);
        throw e;
      }
    });
  const copy = () =>
    attempt(async () => {
      await navigator.clipboard.writeText(waiting.url);
      setCopied(true);
    });

  return (
    <section className="sign-in" role="region" aria-label="Sign-in waiting" data-testid="sign-in-waiting">
      <div className="sign-in__spinner" aria-hidden="true" />
      <div className="sign-in__body">
        {device ? (
          <>
            <h2 className="sign-in__title">
              Approve this device at {at}: enter the code <span className="sign-in__code mono">{device.userCode}</span>
            </h2>
            <p className="sign-in__hint">
              Your browser opened {device.verificationUriComplete ? "the page with the code filled in" : device.verificationUri}. The code
              is valid for {Math.round(device.expiresIn / 60)} min.
            </p>
          </>
        ) : (
          <>
            <h2 className="sign-in__title">Waiting for you to sign in at {at} in your browser</h2>
            <p className="sign-in__hint">
              {waiting.stepId ? (
                <>
                  Step <span className="mono">{waiting.stepId}</span> goes on when the browser comes back to Baton.{" "}
                </>
              ) : null}
              Finish there, or cancel to fail the step.
            </p>
          </>
        )}
        {waiting.browserError ? (
          <p className="sign-in__browser-error" role="alert">
            The browser did not open ({waiting.browserError}): open the address below yourself.
          </p>
        ) : null}
        <div className="sign-in__url">
          <input className="mono" readOnly value={waiting.url} aria-label="Sign-in address" onFocus={(e) => e.currentTarget.select()} />
          <button type="button" className="button" onClick={() => void copy()}>
            {copied ? "Copied" : "Copy"}
          </button>
        </div>
        {error ? <ErrorBanner error={error} onDismiss={() => setError(null)} /> : null}
      </div>
      <div className="sign-in__actions">
        <button type="button" className="button" onClick={() => void attempt(openSignInAgain)}>
          Open again
        </button>
        <button type="button" className="button button--danger" disabled={cancelling} onClick={() => void cancel()}>
          {cancelling ? "Cancelling…" : "Cancel sign-in"}
        </button>
      </div>
    </section>
  );
}
