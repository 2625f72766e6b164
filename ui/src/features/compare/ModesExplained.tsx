/** Delegation and impersonation in plain words, beside the two tokens that show them. */
export function ModesExplained() {
  return (
    <aside className="compare-explained" aria-label="Delegation and impersonation explained">
      <h2>What is the difference?</h2>
      <h3>Delegation</h3>
      <p>
        The new token is still about the user (<code>sub</code>), and it names who is acting for them in <code>act</code>. The
        resource server sees both: whose data this is, and which service is asking. Each further hop nests another{" "}
        <code>act</code>, so the last token carries the whole chain — an audit trail.
      </p>
      <h3>Impersonation</h3>
      <p>
        The new token simply <em>is</em> the user, as far as the resource server can tell. There is no <code>act</code> and no
        trace of the intermediary: it looks just like a token issued to the user directly.
      </p>
      <h3>When to prefer which</h3>
      <p>
        Prefer delegation whenever the receiver should know, log or limit who acts: agents, gateways, services calling on a
        user's behalf. Keep impersonation for the rare case where the intermediary must stay invisible (an API that knows
        nothing of <code>act</code>), and let the token service allow it only to the few clients that need it.
      </p>
    </aside>
  );
}
