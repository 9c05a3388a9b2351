// Least privilege for the accounts sluice logs in to backends with. Each account (a backend's own,
// and each user's backendUser on the backends its schemas reach) is asked SHOW GRANTS, and every
// grant beyond what sluice needs is a finding: privileges ON *.* other than USAGE (and the
// replication monitor privilege a lag-checked replica needs), and privileges on databases that no
// schema of the config uses there. A client that gets past sluice's own checks then still meets
// MariaDB's wall. check-config prints the findings; serve logs each as a warning.
import type { SluiceConfig } from '../config/types';
import { BackendConnection, type BackendTarget } from './connection';

/** One login on one backend, and the databases it may need there. */
export interface AccountOnBackend {
  backend: string;
  /** Where the account comes from in the config (backends.NAME.user or users[i].backendUser). */
  key: string;
  target: BackendTarget;
  databases: Set<string>;
  /** The backend is a replica whose lag sluice checks (SHOW SLAVE STATUS needs a global privilege). */
  lagChecked: boolean;
}

/** What reading one account's grants found. */
export interface GrantReport {
  account: AccountOnBackend;
  /** One line per grant beyond what sluice needs. */
  findings: string[];
  /** Why the grants could not be read (the backend is down, the login failed); null when read. */
  unchecked: string | null;
}

/** Global privileges that reading a replica's lag needs (MySQL's and MariaDB's names for it). */
const MONITOR = new Set(['USAGE', 'REPLICATION CLIENT', 'SLAVE MONITOR', 'REPLICA MONITOR', 'BINLOG MONITOR']);

/** The accounts sluice logs in with, per backend, and the databases each needs there. */
export function accountsOnBackends(config: SluiceConfig): AccountOnBackend[] {
  // backend -> schema name -> the databases it uses there
  const used = new Map<string, Map<string, Set<string>>>();
  const lagChecked = new Set<string>();
  const use = (backend: string, schema: string, database: string) => {
    const bySchema = used.get(backend) ?? used.set(backend, new Map()).get(backend)!;
    (bySchema.get(schema) ?? bySchema.set(schema, new Set()).get(schema)!).add(database);
  };
  for (const s of Object.values(config.schemas)) {
    if (s.kind === 'forward') {
      use(s.backend, s.name, s.database);
      continue;
    }
    for (const p of s.partitions) {
      use(p.write, s.name, p.database);
      for (const r of p.read) {
        use(r.backend, s.name, p.database);
        if (s.maxReplicaLagSeconds > 0) lagChecked.add(r.backend);
      }
    }
  }
  const out: AccountOnBackend[] = [];
  const target = (backend: string, user: string, password: string): BackendTarget => {
    const b = config.backends[backend];
    return { name: backend, host: b.host, port: b.port, user, password, connectTimeoutMs: Math.min(b.pool.connectTimeoutMs, 3000), tls: b.tls };
  };
  for (const b of Object.values(config.backends)) {
    const databases = new Set([...(used.get(b.name)?.values() ?? [])].flatMap((d) => [...d]));
    out.push({ backend: b.name, key: `backends.${b.name}.user`, target: target(b.name, b.user, b.password), databases, lagChecked: lagChecked.has(b.name) });
  }
  config.users.forEach((u, i) => {
    if (!u.backendAccount) return;
    for (const [backend, bySchema] of used) {
      const schemas = u.schemas.includes('*') ? [...bySchema.keys()] : u.schemas.filter((s) => bySchema.has(s));
      if (schemas.length === 0) continue;
      const databases = new Set(schemas.flatMap((s) => [...bySchema.get(s)!]));
      out.push({
        backend, key: `users[${i}].backendUser`, target: target(backend, u.backendAccount.user, u.backendAccount.password), databases,
        lagChecked: lagChecked.has(backend),
      });
    }
  });
  return out;
}

// GRANT privs ON [TABLE|PROCEDURE|FUNCTION|PACKAGE [BODY]] what TO account ...; role grants (GRANT role TO ...) have no ON.
const GRANT = /^GRANT (.+?) ON (?:(?:TABLE|PROCEDURE|FUNCTION|PACKAGE(?: BODY)?) )?((?:`(?:[^`]|``)*`|\*)(?:\.(?:`(?:[^`]|``)*`|\*))?) TO /;

/** The findings in one account's SHOW GRANTS lines (pure). */
export function grantFindings(lines: readonly string[], account: Pick<AccountOnBackend, 'databases' | 'lagChecked'>): string[] {
  const findings: string[] = [];
  for (const line of lines) {
    const m = GRANT.exec(line);
    if (!m) continue; // a role granted to the account: its own grants are the role's
    const [, privileges, what] = m;
    const privs = privileges.split(/,\s*/);
    if (what === '*.*') {
      const extra = privs.filter((p) => !(account.lagChecked ? MONITOR : new Set(['USAGE'])).has(p));
      if (extra.length > 0) findings.push(`has global privileges (${extra.join(', ')} ON *.*); grant them on the schemas' databases only`);
      continue;
    }
    const db = what.startsWith('`') ? what.slice(1, what.indexOf('`', 1)).replace(/``/g, '`') : what;
    // In a database grant, % and _ are wildcards (\_ and \% are the characters). A bare _ is taken
    // as written: grants on shop_0 rarely escape it, and it stands for one character only.
    const wildcard = /(?<!\\)%/.test(db);
    const name = db.replace(/\\([%_\\])/g, '$1');
    if (wildcard) findings.push(`has privileges on every database matching \`${db}\` (${privileges}); grant them on each database by name`);
    else if (!account.databases.has(name)) findings.push(`has privileges on database \`${name}\` (${privileges}), which no schema of this config uses there`);
  }
  return findings;
}

/** Reads each account's grants (in parallel) and reports what goes beyond what sluice needs. */
export async function checkGrants(config: SluiceConfig): Promise<GrantReport[]> {
  return Promise.all(accountsOnBackends(config).map(async (account): Promise<GrantReport> => {
    let conn: BackendConnection | undefined;
    try {
      conn = await BackendConnection.connect(account.target, 0, null);
      const r = await conn.query('SHOW GRANTS');
      return { account, findings: grantFindings(r.rows.map((row) => row[0] ?? ''), account), unchecked: null };
    } catch (e) {
      return { account, findings: [], unchecked: (e as Error).message };
    } finally {
      conn?.close();
    }
  }));
}

/** A report's lines as check-config prints them: `backends.db1 (account sluice): …`. */
export function describeReport(r: GrantReport): { warnings: string[]; note: string | null } {
  const { backend, key, target } = r.account;
  const who = `backends.${backend}${key.startsWith('users[') ? `, ${key}` : ''} (account ${target.user})`;
  if (r.unchecked !== null) return { warnings: [], note: `${who}: grants not checked (${r.unchecked})` };
  return { warnings: r.findings.map((f) => `${who}: ${f}`), note: null };
}
