// Typed readers over the parsed YAML: each checks one value, records a problem line when it is wrong,
// and returns the value (or the fallback) so that resolution can go on and find the remaining problems.
import { Problems, didYouMean, show } from './problems';

export type Mapping = Record<string, unknown>;

/** Marks a key that has no default: its absence is a problem ("KEY: required"). */
export const REQUIRED: unique symbol = Symbol('required');
/** What to use when a key is absent: a default, REQUIRED, or undefined (optional, stays unset). */
export type Fallback<T> = T | typeof REQUIRED | undefined;

/** An inclusive integer range, shown to users as "MIN-MAX". */
export interface IntRange {
  min: number;
  max: number;
}

export function isMapping(value: unknown): value is Mapping {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** True when the value is absent (YAML: key missing or empty); records "required" if it had to be there. */
function absent(p: Problems, path: string, value: unknown, fallback: Fallback<unknown>): value is undefined | null {
  if (value !== undefined && value !== null) return false;
  if (fallback === REQUIRED) p.add(path, 'required');
  return true;
}

function orFallback<T>(fallback: Fallback<T>): T | undefined {
  return fallback === REQUIRED ? undefined : fallback;
}

/** A mapping whose keys must all be in `keys`; unknown keys are reported with a likely correction. */
export function mapping(p: Problems, path: string, value: unknown, keys: readonly string[]): Mapping | undefined {
  if (!isMapping(value)) {
    p.add(path || 'configuration', `must be a mapping (got ${show(value)})`);
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) p.add(path, `unknown key "${key}"${didYouMean(key, keys)}`);
  }
  return value;
}

/** A mapping from user-chosen names (backends, schemas, tables) to entries. */
export function namedEntries(p: Problems, path: string, value: unknown, what: string): [string, unknown][] {
  if (absent(p, path, value, REQUIRED)) return [];
  if (!isMapping(value)) {
    p.add(path, `must be a mapping of ${what} by name (got ${show(value)})`);
    return [];
  }
  const entries = Object.entries(value);
  if (entries.length === 0) p.add(path, `must name at least one ${what.replace(/s$/, '')}`);
  return entries;
}

export function list(p: Problems, path: string, value: unknown, fallback: Fallback<unknown[]>): unknown[] | undefined {
  if (absent(p, path, value, fallback)) return orFallback(fallback);
  if (!Array.isArray(value)) {
    p.add(path, `must be a list (got ${show(value)})`);
    return undefined;
  }
  return value;
}

export function int(p: Problems, path: string, value: unknown, range: IntRange, fallback: Fallback<number>): number | undefined {
  if (absent(p, path, value, fallback)) return orFallback(fallback);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < range.min || value > range.max) {
    p.add(path, `must be an integer ${range.min}-${range.max} (got ${show(value)})`);
    return undefined;
  }
  return value;
}

export function num(p: Problems, path: string, value: unknown, fallback: Fallback<number>): number | undefined {
  if (absent(p, path, value, fallback)) return orFallback(fallback);
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    p.add(path, `must be a number (got ${show(value)})`);
    return undefined;
  }
  return value;
}

export function bool(p: Problems, path: string, value: unknown, fallback: Fallback<boolean>): boolean | undefined {
  if (absent(p, path, value, fallback)) return orFallback(fallback);
  if (typeof value !== 'boolean') {
    p.add(path, `must be true or false (got ${show(value)})`);
    return undefined;
  }
  return value;
}

/** A string; `nonEmpty` rejects "". Numbers are not turned into strings: quote them in YAML. */
export function str(p: Problems, path: string, value: unknown, fallback: Fallback<string>, nonEmpty = true): string | undefined {
  if (absent(p, path, value, fallback)) return orFallback(fallback);
  if (typeof value !== 'string' || (nonEmpty && value === '')) {
    p.add(path, `must be a ${nonEmpty ? 'non-empty ' : ''}string (got ${show(value)})`);
    return undefined;
  }
  return value;
}

export function oneOf<T extends string>(p: Problems, path: string, value: unknown, choices: readonly T[], fallback: Fallback<T>): T | undefined {
  if (absent(p, path, value, fallback)) return orFallback(fallback);
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    const hint = typeof value === 'string' ? didYouMean(value, choices) : '';
    p.add(path, `must be one of ${choices.join(', ')} (got ${show(value)})${hint}`);
    return undefined;
  }
  return value as T;
}

/** Database, table and column names sluice splices into SQL unquoted. */
const IDENTIFIER = /^(?![0-9]+$)[A-Za-z0-9_$]{1,64}$/;

export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

export const IDENTIFIER_RULE = 'must be a plain identifier (letters, digits, _ or $, not only digits, at most 64 characters)';

export function identifier(p: Problems, path: string, value: unknown, fallback: Fallback<string>): string | undefined {
  const name = str(p, path, value, fallback);
  if (name === undefined || isIdentifier(name)) return name;
  p.add(path, `${IDENTIFIER_RULE} (got ${show(name)})`);
  return undefined;
}
