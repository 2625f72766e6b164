import { TIME_CLAIMS, localDate, relativeTime } from "./time";

function ClaimValue({ name, value, now }: { name: string; value: unknown; now: number }) {
  if (TIME_CLAIMS.has(name) && typeof value === "number") {
    return (
      <>
        <time dateTime={new Date(value * 1000).toISOString()}>{localDate(value)}</time>{" "}
        <span className="muted">({relativeTime(value, now)})</span> <span className="muted mono">{value}</span>
      </>
    );
  }
  if (typeof value === "string") return <span className="mono">{value}</span>;
  return <code className="mono claim-json">{JSON.stringify(value, null, value !== null && typeof value === "object" ? 2 : 0)}</code>;
}

/** A JWT header or claim set, member by member; times as local dates and relative to now. */
export function ClaimsTable({ title, members, now }: { title: string; members: Record<string, unknown>; now: number }) {
  const entries = Object.entries(members);
  return (
    <table className="claims" aria-label={title}>
      <caption>{title}</caption>
      <tbody>
        {entries.map(([name, value]) => (
          <tr key={name} data-claim={name}>
            <th scope="row" className="mono">
              {name}
            </th>
            <td>
              <ClaimValue name={name} value={value} now={now} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
