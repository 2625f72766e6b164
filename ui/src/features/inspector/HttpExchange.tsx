import type { RecordedRequest, TokenResponse } from "../../api/types";

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

/** The request as sent (secrets masked) and the response as received. */
export function HttpExchange({ request, response }: { request: RecordedRequest | null; response: TokenResponse | null }) {
  return (
    <section className="inspector__section" aria-label="HTTP">
      <h3>HTTP</h3>
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
    </section>
  );
}
