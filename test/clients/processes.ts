// External clients for the matrix: checking their Debian packages are there and running them.
import { execFile, spawnSync } from 'node:child_process';

/**
 * Fails the test file clearly when a Debian package it needs is missing. Tests never install anything
 * (two files installing at once collide on the dpkg lock): scripts/setup.sh installs them all.
 */
export function requireDebianPackages(...pkgs: string[]): void {
  // dpkg's status must be "installed": a removed package whose config files remain passes dpkg -s.
  const installed = (p: string) => spawnSync('dpkg-query', ['-W', '-f=${db:Status-Status}', p], { encoding: 'utf8' }).stdout === 'installed';
  const missing = pkgs.filter((p) => !installed(p));
  if (missing.length > 0) throw new Error(`Debian package(s) ${missing.join(', ')} missing: run scripts/setup.sh (npm test does) first`);
}

export interface ProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a program to its end (stdin from `input`), never rejecting: the caller asserts on the result.
 * Output is decoded as UTF-8, or as latin1 (one char per byte, so binary output survives) on request.
 */
export function runProcess(
  cmd: string,
  args: string[],
  opts: { input?: string | Buffer; timeoutMs?: number; encoding?: 'utf8' | 'latin1' } = {},
): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const options = { maxBuffer: 256 << 20, timeout: opts.timeoutMs ?? 60_000, encoding: opts.encoding ?? 'utf8' };
    const child = execFile(cmd, args, options, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr: err && !stderr ? String(err.message) : stderr });
    });
    // A program that exits without reading its input makes the write fail with EPIPE; its exit code
    // and stderr already tell the caller, so that error is not an uncaught exception.
    child.stdin!.on('error', () => {});
    child.stdin!.end(opts.input ?? '');
  });
}
