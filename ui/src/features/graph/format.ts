/** `http://127.0.0.1:43205` → `127.0.0.1:43205`; anything that is not a URL stays as it is. */
export function shortIssuer(issuer: string | null): string | null {
  if (!issuer) return null;
  try {
    const url = new URL(issuer);
    return url.pathname && url.pathname !== "/" ? `${url.host}${url.pathname}` : url.host;
  } catch {
    return issuer;
  }
}

/** The act chain as it reads: the current actor first, `←` before each earlier one. */
export const actChainLabel = (chain: readonly string[]) => chain.join(" ← ");
