import { useState } from "react";

/** Copies the request as a curl command (built in Rust, secrets masked). */
export function CopyCurl({ curl }: { curl: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(curl);
      setState("copied");
    } catch {
      setState("failed");
    }
  };
  return (
    <div className="copy-curl">
      <button type="button" className="button button--small" onClick={() => void copy()}>
        Copy as curl
      </button>
      <span className="muted" role="status">
        {state === "copied" ? "Copied." : state === "failed" ? "Could not reach the clipboard: select the text below." : ""}
      </span>
      {state === "failed" ? <pre className="mono raw">{curl}</pre> : null}
    </div>
  );
}
