import { useId, type ReactNode } from "react";

import type { Client } from "../../api/types";
import type { ProbeRoles } from "./probeRoles";

type Props = {
  clients: Client[];
  roles: ProbeRoles;
  disabled: boolean;
  onChange: (roles: ProbeRoles) => void;
};

function Field({ label, hint, wide = false, children }: { label: string; hint: string; wide?: boolean; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className={`probe-role ${wide ? "probe-role--wide" : ""}`}>
      <label htmlFor={id} title={hint}>
        {label}
      </label>
      {children(id)}
    </div>
  );
}

function ClientSelect({ id, clients, value, none, onChange, disabled }: {
  id: string;
  clients: Client[];
  value: string;
  /** The label of "no client", when the role is optional. */
  none?: string;
  onChange: (value: string) => void;
  disabled: boolean;
}) {
  return (
    <select id={id} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
      {none !== undefined || value === "" ? <option value="">{none ?? "—"}</option> : null}
      {clients.map((c) => (
        <option key={c.id} value={c.id}>
          {c.id}
        </option>
      ))}
    </select>
  );
}

/** Who the probes act as, chosen from the server's clients: the exchanger, how the subject token
 * is obtained, the actor and the attacker, and an audience and scope the exchanger may ask for.
 * A probe that needs a role not given is skipped, and says so. */
export function ProbeRolesForm({ clients, roles, disabled, onChange }: Props) {
  const set = <K extends keyof ProbeRoles>(key: K) => (value: ProbeRoles[K]) => onChange({ ...roles, [key]: value });
  const text = (key: "username" | "password" | "subjectScope" | "givenToken" | "givenType" | "audience" | "scope") =>
    (id: string) => <input id={id} className="mono" value={roles[key]} disabled={disabled} onChange={(e) => set(key)(e.target.value)} />;
  return (
    <fieldset className="probe-roles" aria-label="Roles">
      <span className="probe-setup__label probe-roles__label">Roles</span>
      <Field label="Exchanger" hint="The client that performs the exchanges">
        {(id) => <ClientSelect id={id} clients={clients} value={roles.exchanger} onChange={set("exchanger")} disabled={disabled} />}
      </Field>
      <Field label="Actor" hint="Whose own client_credentials token is the actor token (delegation probes)">
        {(id) => <ClientSelect id={id} clients={clients} value={roles.actor} none="none" onChange={set("actor")} disabled={disabled} />}
      </Field>
      <Field label="Attacker" hint="Another client with the exchange grant, for the chain-splicing probes">
        {(id) => <ClientSelect id={id} clients={clients} value={roles.attacker} none="none" onChange={set("attacker")} disabled={disabled} />}
      </Field>
      <Field label="Audience" hint="An audience the exchanger may ask for">
        {text("audience")}
      </Field>
      <Field label="Scope" hint="A scope the exchanger may ask for">
        {text("scope")}
      </Field>
      <div className="probe-roles__subject" role="group" aria-label="Subject token">
        <span className="probe-roles__subject-label">Subject token</span>
        {roles.subject === "given" ? (
          <>
            <Field label="Token" hint="The subject token, or a reference such as {{env.subject}}">
              {text("givenToken")}
            </Field>
            <Field label="Type" hint="Its token type: access_token, jwt, id_token or a URI">
              {text("givenType")}
            </Field>
          </>
        ) : (
          <>
            <Field label="Client" hint="The client that obtains the subject token">
              {(id) => <ClientSelect id={id} clients={clients} value={roles.subjectClient} onChange={set("subjectClient")} disabled={disabled} />}
            </Field>
            <Field label="Grant" hint="How the subject token is obtained">
              {(id) => (
                <select id={id} value={roles.grant} disabled={disabled} onChange={(e) => set("grant")(e.target.value === "password" ? "password" : "client_credentials")}>
                  <option value="client_credentials">client_credentials</option>
                  <option value="password">password</option>
                </select>
              )}
            </Field>
            {roles.grant === "password" ? (
              <>
                <Field label="Username" hint="The user whose token is the subject">
                  {text("username")}
                </Field>
                <Field label="Password" hint="A {{secret.NAME}} reference">
                  {text("password")}
                </Field>
              </>
            ) : null}
            <Field label="Subject scope" hint="The scope the subject token is asked with" wide>
              {text("subjectScope")}
            </Field>
          </>
        )}
      </div>
    </fieldset>
  );
}
