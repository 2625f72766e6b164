import type { LabClientView, LabUserView } from "../../api/types";

function Names({ values }: { values: readonly string[] }) {
  if (values.length === 0) return <span className="muted">none</span>;
  return (
    <ul className="lab-names">
      {values.map((v) => (
        <li key={v} className="mono">
          {v}
        </li>
      ))}
    </ul>
  );
}

function MayAct({ value }: { value: string | null }) {
  return value ? <span className="mono">{value}</span> : <span className="muted">not restricted</span>;
}

/** The lab's clients: what each may do, and for which audiences. */
export function LabClients({ clients }: { clients: readonly LabClientView[] }) {
  return (
    <section aria-labelledby="lab-clients-heading">
      <h2 id="lab-clients-heading">Clients</h2>
      <div className="lab__table-wrap">
        <table className="lab-table" aria-label="Lab clients">
          <thead>
            <tr>
              <th scope="col">client_id</th>
              <th scope="col">grants</th>
              <th scope="col">exchange</th>
              <th scope="col">audiences</th>
              <th scope="col">may_act on issued tokens</th>
            </tr>
          </thead>
          <tbody>
            {clients.map((c) => (
              <tr key={c.client_id} data-testid="lab-client" data-client={c.client_id}>
                <th scope="row">
                  <span className="mono">{c.client_id}</span>
                  <span className="muted lab-table__sub">
                    {c.auth}
                    {c.description ? ` · ${c.description}` : ""}
                  </span>
                </th>
                <td>
                  <Names values={c.grants} />
                </td>
                <td>
                  <span className="lab-badges">
                    {c.may_delegate ? <span className="lab-badge lab-badge--delegate">may delegate</span> : null}
                    {c.may_impersonate ? <span className="lab-badge lab-badge--impersonate">may impersonate</span> : null}
                    {!c.may_delegate && !c.may_impersonate ? <span className="muted">neither</span> : null}
                  </span>
                </td>
                <td>
                  <Names values={c.audiences} />
                </td>
                <td>{c.may_act ? <span className="mono">{c.may_act}</span> : <span className="muted">—</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The lab's demo users (password grant): the scopes they hold, and who may act for them. */
export function LabUsers({ users }: { users: readonly LabUserView[] }) {
  return (
    <section aria-labelledby="lab-users-heading">
      <h2 id="lab-users-heading">Users</h2>
      <table className="lab-table" aria-label="Lab users">
        <thead>
          <tr>
            <th scope="col">username</th>
            <th scope="col">scopes</th>
            <th scope="col">may_act</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.username}>
              <th scope="row" className="mono">
                {u.username}
              </th>
              <td className="mono">{u.scopes.join(" ")}</td>
              <td>
                <MayAct value={u.may_act} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
