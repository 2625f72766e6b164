/** Claims that hold a time in epoch seconds (RFC 7519 §4.1, OIDC `auth_time`). */
export const TIME_CLAIMS: ReadonlySet<string> = new Set(["exp", "iat", "nbf", "auth_time"]);

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

/** `in 58 minutes`, `3 days ago`, relative to `nowSeconds`. */
export function relativeTime(epochSeconds: number, nowSeconds: number): string {
  const delta = epochSeconds - nowSeconds;
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  for (const [unit, size] of UNITS) {
    if (Math.abs(delta) >= size || unit === "second") return format.format(Math.round(delta / size), unit);
  }
  return format.format(delta, "second");
}

/** The date in local time, e.g. `1 Jan 2026, 02:00:00`. */
export function localDate(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toLocaleString(undefined, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
}
