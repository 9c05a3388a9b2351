// wait_timeout as a SET changes it: the session closes clients idle longer (session/idle-timeout.ts
// sweeps them); the relay reads a successful SET of it here.

/** The seconds MariaDB allows for wait_timeout and interactive_timeout. */
export const TIMEOUT_RANGE = { min: 1, max: 31_536_000 } as const;

/**
 * The new wait_timeout in ms if a successful `SET` (latin1 text) assigns the session's wait_timeout
 * a literal number or DEFAULT (`defaultMs`); undefined when it does not (or uses an expression,
 * which stays with the backend only). Out-of-range values are clamped as MariaDB clamps them.
 */
export function waitTimeoutSet(sql: string, defaultMs: number): number | undefined {
  const m = /(?:^|[\s,])(?:(?:session|local)\s+|@@(?:session\.|local\.)?)?`?wait_timeout`?\s*(?:=|:=)\s*(default|[0-9]+(?:\.[0-9]*)?)\s*(?:[,;]|$)/i.exec(sql);
  if (!m) return undefined;
  if (m[1].toLowerCase() === 'default') return defaultMs;
  const seconds = Math.min(TIMEOUT_RANGE.max, Math.max(TIMEOUT_RANGE.min, Math.round(Number(m[1]))));
  return seconds * 1000;
}
