// The built CLI as users run it (node dist/src/cli.js …), and a temp folder for the files it reads.
import { after } from 'node:test';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The project's root (dist/test/helpers -> ../../..). */
export const root = path.resolve(__dirname, '..', '..', '..');
export const cli = path.join(root, 'dist', 'src', 'cli.js');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to completion. */
export function run(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd: root }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A temp folder removed after the test file; write() puts a file in it and returns its path. */
export function tempFiles(prefix: string): { dir: string; write(name: string, text: string): string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    write(name, text) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, text);
      return file;
    },
  };
}
