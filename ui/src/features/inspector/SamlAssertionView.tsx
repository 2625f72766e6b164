import type { SamlAssertion } from "../../bindings/SamlAssertion";
import { localDate, relativeTime } from "./time";

const SIGNATURE_ALGS: Record<string, string> = {
  "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256": "RSA-SHA256",
  "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256": "ECDSA-SHA256",
  "http://www.w3.org/2021/04/xmldsig-more#eddsa-ed25519": "Ed25519",
};

function When({ at, now }: { at: number | null; now: number }) {
  if (at === null) return <span className="muted">none</span>;
  return (
    <>
      <time dateTime={new Date(at * 1000).toISOString()}>{localDate(at)}</time> <span className="muted">({relativeTime(at, now)})</span>
    </>
  );
}

/** A SAML 2.0 assertion's fields: who issued it, about whom, for whom, how long, its attributes
 * and how it is signed (the check itself is under Signature). */
export function SamlAssertionView({ assertion: a, now }: { assertion: SamlAssertion; now: number }) {
  const alg = a.signature?.algorithm ?? null;
  const rows: Array<[string, React.ReactNode]> = [
    ["Issuer", <span className="mono">{a.issuer ?? "none"}</span>],
    ["Subject (NameID)", <span className="mono">{a.subject ?? "none"}</span>],
    ["Audience", <span className="mono">{a.audiences.length > 0 ? a.audiences.join(", ") : "none"}</span>],
    ["NotBefore", <When at={a.not_before} now={now} />],
    ["NotOnOrAfter", <When at={a.not_on_or_after} now={now} />],
    ["ID", <span className="mono">{a.id ?? "none"}</span>],
    [
      "Signature",
      a.signature ? (
        <span className="mono">
          {alg ? (SIGNATURE_ALGS[alg] ?? alg) : "no algorithm"}, reference {a.signature.reference ?? "none"}
          {a.signature.has_certificate ? ", certificate in KeyInfo" : ""}
        </span>
      ) : (
        <span>not signed</span>
      ),
    ],
  ];
  return (
    <section className="inspector__section" aria-label="SAML 2.0 assertion">
      <h3>SAML 2.0 assertion</h3>
      <table className="claims" aria-label="Assertion">
        <caption>Assertion</caption>
        <tbody>
          {rows.map(([name, value]) => (
            <tr key={name}>
              <th scope="row">{name}</th>
              <td>{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table className="claims" aria-label="Attributes">
        <caption>Attributes</caption>
        <tbody>
          {a.attributes.map((attr) => (
            <tr key={attr.name} data-claim={attr.name}>
              <th scope="row" className="mono">
                {attr.name}
              </th>
              <td className="mono">{attr.values.join(", ")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
