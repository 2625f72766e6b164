import type { Client, Collection, ProbeTarget } from "../../api/types";

/** The roles as the Probe view edits them: flat fields, "" for a role not given. */
export type ProbeRoles = {
  exchanger: string;
  /** How the subject token is obtained: by a client's token request, or given as it is. */
  subject: "obtained" | "given";
  subjectClient: string;
  grant: "client_credentials" | "password";
  username: string;
  password: string;
  subjectScope: string;
  givenToken: string;
  givenType: string;
  actor: string;
  attacker: string;
  audience: string;
  scope: string;
};

/** The collection's clients of `server`: the only ones a probe of it may act as. */
export function serverClients(collection: Collection, server: string): Client[] {
  return (collection.clients ?? []).filter((c) => c.server === server);
}

/** The roles the view starts with: the collection's `[probe]` when it is about this server, else
 * its first client in every required role. */
export function initialRoles(collection: Collection, server: string): ProbeRoles {
  const first = serverClients(collection, server)[0]?.id ?? "";
  const roles: ProbeRoles = {
    exchanger: first,
    subject: "obtained",
    subjectClient: first,
    grant: "client_credentials",
    username: "",
    password: "",
    subjectScope: "",
    givenToken: "",
    givenType: "access_token",
    actor: "",
    attacker: "",
    audience: "",
    scope: "",
  };
  const probe = collection.probe;
  if (!probe || probe.server !== server) return roles;
  const subject = probe.subject;
  const given = "token" in subject;
  return {
    ...roles,
    exchanger: probe.exchanger,
    subject: given ? "given" : "obtained",
    subjectClient: given ? roles.subjectClient : subject.client,
    grant: !given && subject.grant === "password" ? "password" : "client_credentials",
    username: (!given && subject.username) || "",
    password: (!given && subject.password) || "",
    subjectScope: (!given && subject.scope) || "",
    givenToken: given ? subject.token : "",
    givenType: given ? subject.type : roles.givenType,
    actor: probe.actor ?? "",
    attacker: probe.attacker ?? "",
    audience: probe.audience ?? "",
    scope: probe.scope ?? "",
  };
}

const optional = (value: string) => (value.trim() === "" ? undefined : value.trim());

/** The `[probe]` the roles make, for `run_probes`; a `resource` of the collection's own `[probe]`
 * is kept (the view does not edit it). */
export function toTarget(collection: Collection, server: string, roles: ProbeRoles): ProbeTarget {
  const subject: ProbeTarget["subject"] =
    roles.subject === "given"
      ? { token: roles.givenToken, type: roles.givenType }
      : {
          client: roles.subjectClient,
          grant: roles.grant,
          ...(roles.grant === "password" ? { username: optional(roles.username), password: optional(roles.password) } : {}),
          scope: optional(roles.subjectScope),
        };
  const resource = collection.probe?.server === server ? collection.probe.resource : undefined;
  return {
    server,
    exchanger: roles.exchanger,
    subject,
    actor: optional(roles.actor),
    attacker: optional(roles.attacker),
    audience: optional(roles.audience),
    resource: resource ?? undefined,
    scope: optional(roles.scope),
  };
}

/** Why the roles cannot run yet, or null when they can. */
export function missingRole(roles: ProbeRoles): string | null {
  if (!roles.exchanger) return "Choose the client that performs the exchanges.";
  if (roles.subject === "obtained" && !roles.subjectClient) return "Choose the client that obtains the subject token.";
  if (roles.subject === "given" && !roles.givenToken.trim()) return "Give the subject token.";
  return null;
}
