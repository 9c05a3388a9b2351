// users: the accounts clients log in to sluice with, and the logical schemas each may use.
import { PRIVILEGES, type Privilege, type UserConfig } from './types';
import { Problems, child, known, show } from './problems';
import { REQUIRED, bool, list, mapping, str } from './read';

const USER_KEYS = ['user', 'password', 'passwordHash', 'schemas', 'requireTls', 'privileges', 'backendUser', 'backendPassword'] as const;
const DEFAULT_PRIVILEGES: Privilege[] = ['read', 'write', 'ddl'];
/** mysql_native_password's stored form: "*" + HEX(SHA1(SHA1(password))). */
const NATIVE_HASH = /^\*[0-9A-Fa-f]{40}$/;

export function resolveUsers(p: Problems, value: unknown, schemas: readonly string[], hasTls: boolean): UserConfig[] {
  const items = list(p, 'users', value, REQUIRED);
  if (!items) return [];
  if (items.length === 0) p.add('users', 'must list at least one user');
  const users: UserConfig[] = [];
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const path = child('users', i);
    const u = mapping(p, path, item, USER_KEYS);
    if (!u) return;
    const user = str(p, child(path, 'user'), u.user, REQUIRED);
    if (user !== undefined) {
      const first = seen.get(user);
      if (first !== undefined) p.add(child(path, 'user'), `duplicate user "${user}" (also users[${first}])`);
      else seen.set(user, i);
    }
    const password = str(p, child(path, 'password'), u.password, undefined, false);
    const passwordHash = resolveHash(p, child(path, 'passwordHash'), u.passwordHash);
    if (u.password !== undefined && u.passwordHash !== undefined) p.add(path, 'give password or passwordHash, not both');
    if (u.password === undefined && u.passwordHash === undefined) p.add(path, 'give password or passwordHash');
    const allowed = resolveUserSchemas(p, child(path, 'schemas'), u.schemas, schemas);
    const requireTls = bool(p, child(path, 'requireTls'), u.requireTls, false) ?? false;
    if (requireTls && !hasTls) p.add(child(path, 'requireTls'), 'needs a tls section (cert and key) to accept TLS');
    const privileges = resolvePrivileges(p, child(path, 'privileges'), u.privileges);
    const backendUser = str(p, child(path, 'backendUser'), u.backendUser, undefined);
    const backendPassword = str(p, child(path, 'backendPassword'), u.backendPassword, undefined, false);
    if (u.backendUser !== undefined && u.backendPassword === undefined) p.add(child(path, 'backendPassword'), 'is needed with backendUser (the backend account\'s password)');
    if (u.backendPassword !== undefined && u.backendUser === undefined) p.add(child(path, 'backendUser'), 'is needed with backendPassword (the backend account to log in as)');
    if (user === undefined) return;
    const resolved: UserConfig = { user, schemas: allowed, requireTls, privileges };
    if (backendUser !== undefined && backendPassword !== undefined) resolved.backendAccount = { user: backendUser, password: backendPassword };
    if (password !== undefined) resolved.password = password;
    if (passwordHash !== undefined) resolved.passwordHash = passwordHash;
    users.push(resolved);
  });
  return users;
}

function resolveHash(p: Problems, path: string, value: unknown): string | undefined {
  const hash = str(p, path, value, undefined);
  if (hash === undefined) return undefined;
  if (!NATIVE_HASH.test(hash)) {
    p.add(path, `must be "*" followed by 40 hex digits, as in mysql.user (got ${show(hash)})`);
    return undefined;
  }
  return hash.toUpperCase();
}

function resolveUserSchemas(p: Problems, path: string, value: unknown, names: readonly string[]): string[] {
  const items = list(p, path, value, REQUIRED) ?? [];
  if (Array.isArray(value) && items.length === 0) p.add(path, 'must list at least one schema (or "*" for all)');
  const allowed: string[] = [];
  items.forEach((item, i) => {
    const itemPath = child(path, i);
    if (typeof item !== 'string' || item === '') p.add(itemPath, `must be a schema name or "*" (got ${show(item)})`);
    else if (item !== '*' && !names.includes(item)) p.add(itemPath, `unknown schema "${item}" (known: ${known(names)})`);
    else allowed.push(item);
  });
  return allowed.includes('*') ? ['*'] : allowed;
}

function resolvePrivileges(p: Problems, path: string, value: unknown): Privilege[] {
  if (value === undefined) return [...DEFAULT_PRIVILEGES];
  const items = list(p, path, value, REQUIRED) ?? [];
  const granted: Privilege[] = [];
  items.forEach((item, i) => {
    if (typeof item === 'string' && (PRIVILEGES as readonly string[]).includes(item)) {
      if (!granted.includes(item as Privilege)) granted.push(item as Privilege);
    } else p.add(child(path, i), `must be one of ${PRIVILEGES.join(', ')} (got ${show(item)})`);
  });
  return granted;
}
