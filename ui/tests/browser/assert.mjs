// The few assertions the browser tests need, with messages that say what was seen.
export function equal(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

export function ok(value, what) {
  if (!value) throw new Error(what);
}

export function includes(text, part, what) {
  if (!String(text).includes(part)) throw new Error(`${what}: expected to contain ${JSON.stringify(part)}, got ${JSON.stringify(text)}`);
}
