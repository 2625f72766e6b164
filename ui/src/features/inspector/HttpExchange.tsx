import type { ReactNode } from "react";

import type { RecordedRequest } from "../../api/types";

/** What the raw view needs of a response: a run's `TokenResponse` or a probe's
 * `RecordedResponse`. */
type RawResponse = { status: number; headers: Array<[string, string]>; body: string };

function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

/** Form bodies one parameter a line, decoded, so that each RFC 8693 parameter can be read. */
function formLines(body: string): string {
  try {
    return [...new URLSearchParams(body)].map(([k, v]) => `${k}=${v}`).join("\n");
  } catch {
    return body;
  }
}

/** The request as sent (secrets masked) and the response as received, under `title`. */
export function HttpExchange({
  request,
  response,
  title = "HTTP",
  children,
}: {
  request: RecordedRequest | null;
  response: RawResponse | null;
  title?: string;
  /** Said after the response, e.g. that nothing came back or that the body was cut. */
  children?: ReactNode;
}) {
  return (
    <section className="inspector__section" aria-label={title}>
      <h3>{title}</h3>
      {request ? (
        <details open>
          <summary>Request</summary>
          <pre className="raw mono" aria-label="Raw request">
            {`${request.method} ${request.url}\n${request.headers.map(([n, v]) => `${n}: ${v}`).join("\n")}${
              request.body ? `\n\n${formLines(request.body)}` : ""
            }`}
          </pre>
        </details>
      ) : (
        <p className="muted">No request was sent.</p>
      )}
      {response ? (
        <details open>
          <summary>Response: {response.status}</summary>
          <pre className="raw mono" aria-label="Raw response">
            {`${response.status}\n${response.headers.map(([n, v]) => `${n}: ${v}`).join("\n")}\n\n${prettyBody(response.body)}`}
          </pre>
        </details>
      ) : null}
      {children}
    </section>
  );
}
