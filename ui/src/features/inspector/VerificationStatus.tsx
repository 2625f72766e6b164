import type { TokenRecord } from "../../api/types";

/** Whether the signature held, against which keys, and why not. */
export function VerificationStatus({ token }: { token: TokenRecord }) {
  const v = token.verification;
  if (token.decoded.kind === "opaque") {
    return <p className="verification verification--none">Opaque token: {token.decoded.reason}</p>;
  }
  if (!v) {
    const why =
      token.decoded.kind === "saml"
        ? "no SAML certificate: the server's metadata names no saml_certificate_uri"
        : "no JWKS for this server";
    return <p className="verification verification--none">Signature not checked ({why}).</p>;
  }
  return (
    <div className={`verification ${v.valid ? "verification--ok" : "verification--bad"}`}>
      <p>
        <strong>{v.valid ? "Signature verified" : "Signature did not verify"}</strong>{" "}
        <span className="muted">
          {v.alg ?? "?"}
          {v.kid ? `, kid ${v.kid}` : ""} against {token.decoded.kind === "saml" ? "the certificate at " : ""}
          <span className="mono">{v.jwks_uri}</span>
        </span>
      </p>
      {v.problems.length > 0 ? (
        <ul>
          {v.problems.map((p, i) => (
            <li key={i}>{p}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
