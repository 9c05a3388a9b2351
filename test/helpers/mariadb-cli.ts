// Runs the `mariadb` command-line client in batch mode against a host and port.
import { execFile } from 'node:child_process';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function mariadbCli(port: number, user: string, password: string, sql: string, database?: string, extra: string[] = []): Promise<CliResult> {
  return new Promise((resolve) => {
    const args = ['--no-defaults', '-h127.0.0.1', `-P${port}`, `-u${user}`, `-p${password}`, '--batch', ...(extra.includes('--ssl') ? [] : ['--skip-ssl']), ...extra];
    if (database) args.push(database);
    const child = execFile('mariadb', args, { maxBuffer: 256 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    child.stdin!.on('error', () => {}); // the client may exit before reading all of it
    child.stdin!.end(sql);
  });
}
