// What a bench reads about a child process from /proc: its CPU time and its resident set.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** CPU seconds (user + system, all threads) a process has used so far. */
export function cpuSeconds(pid: number): number {
  // Fields after the command name "(...)": utime and stime are fields 14 and 15 of /proc/PID/stat.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** A memory figure of /proc/PID/status (VmRSS: resident now, VmHWM: the peak) in bytes. */
export function procStatus(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${key}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no ${key} for ${pid}`);
  return Number(m[1]) * 1024;
}

/** RSS once two reads 300 ms apart differ by less than 0.5% (at most ~6 s). */
export async function settledRss(pid: number): Promise<number> {
  let last = procStatus(pid, 'VmRSS');
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 300)); // interval between two RSS samples
    const now = procStatus(pid, 'VmRSS');
    if (Math.abs(now - last) < last * 0.005) return now;
    last = now;
  }
  return last;
}
