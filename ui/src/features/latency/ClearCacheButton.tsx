import { useState } from "react";
import { clearTokenCache } from "../../api/cache";
import { toIpcError } from "../../api/ipc";
import "./latency.css";

/** Beside the run controls: forgets the tokens cached for steps with `cache` on, so the next
 * run asks the server again. Says how many were forgotten. */
export function ClearCacheButton() {
  const [said, setSaid] = useState<string | null>(null);
  const clear = async () => {
    try {
      const n = await clearTokenCache();
      setSaid(n === 0 ? "The token cache was empty" : `Forgot ${n} cached ${n === 1 ? "token" : "tokens"}`);
    } catch (e) {
      setSaid(`The token cache could not be cleared: ${toIpcError(e).message}`);
    }
  };
  return (
    <>
      <button
        type="button"
        className="button"
        onClick={() => void clear()}
        title="Forget the tokens cached for steps with cache on; the next run asks the server again"
      >
        Clear token cache
      </button>
      <span className="clear-cache__said" aria-live="polite">
        {said}
      </span>
    </>
  );
}
