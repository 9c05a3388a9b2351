// The sluice config the benches start the CLI with: one backend, one user for every schema.
export interface BenchSluiceConfig {
  port: number;
  threads: number;
  user: string;
  password: string;
  backend: { host: string; port: number; user: string; password: string; poolMax: number };
  /** YAML lines under `schemas:` (indented two spaces). */
  schemas: string[];
}

/** The YAML text of a bench's sluice config (logLevel warn, backend named `db`). */
export function sluiceYaml(c: BenchSluiceConfig): string {
  const b = c.backend;
  return [
    `listen: 127.0.0.1:${c.port}`,
    `threads: ${c.threads}`,
    'logLevel: warn',
    'users:',
    `  - { user: ${c.user}, password: ${c.password}, schemas: ["*"] }`,
    'backends:',
    `  db: { host: ${b.host}, port: ${b.port}, user: ${b.user}, password: ${b.password}, pool: { min: 0, max: ${b.poolMax} } }`,
    'schemas:',
    ...c.schemas,
    '',
  ].join('\n');
}
