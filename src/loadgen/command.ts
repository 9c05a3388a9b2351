// `sluice bench run | prepare | cleanup`: the bundled load generator's command line. cli.ts only
// registers it; the work is in run.ts and prepare.ts, loaded when a bench command runs.
import { writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULTS, parseTarget, type BenchOptions } from './options';
import { WORKLOADS, builtinMix, readMix, type WorkloadName } from './workloads';

interface ConnectionFlags {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  tables: number;
  tableSize: number;
}

interface RunFlags extends ConnectionFlags {
  workload: WorkloadName;
  sql?: string;
  prepared?: boolean;
  connections: number;
  threads: number;
  duration?: number;
  requests?: number;
  rate?: number;
  warmup: number;
  slice: number;
  json?: boolean;
  html?: string;
  compare?: string;
}

function positiveInt(max: number): (text: string) => number {
  return (text) => {
    const v = /^[0-9]+$/.test(text) ? Number(text) : NaN;
    if (!(v >= 1 && v <= max)) throw new InvalidArgumentError(`Must be an integer 1-${max}.`);
    return v;
  };
}

function seconds(min: number): (text: string) => number {
  return (text) => {
    const v = /^[0-9]+(\.[0-9]+)?$/.test(text) ? Number(text) : NaN;
    if (!(v >= min && v <= 86_400)) throw new InvalidArgumentError(`Must be a number of seconds ${min}-86400.`);
    return v;
  };
}

function hostPort(text: string): string {
  try {
    parseTarget(text);
  } catch (e) {
    throw new InvalidArgumentError(`${(e as Error).message}.`);
  }
  return text;
}

function addConnectionFlags(cmd: Command): Command {
  return cmd
    .option('--host <host>', 'server to load (sluice or MySQL/MariaDB)', DEFAULTS.host)
    .option('--port <n>', 'its port', positiveInt(65535), DEFAULTS.port)
    .option('--user <name>', 'user name', DEFAULTS.user)
    .option('--password <pw>', 'password', DEFAULTS.password)
    .option('--database <name>', 'database (schema) holding the sbtest tables', DEFAULTS.database)
    .option('--tables <n>', 'number of sbtest tables', positiveInt(1000), DEFAULTS.tables)
    .option('--table-size <n>', 'rows per table', positiveInt(1_000_000_000), DEFAULTS.tableSize);
}

/** Registers `bench` and its subcommands on the program. */
export function addBenchCommand(program: Command): void {
  const bench = program.command('bench').description('the bundled load generator: prepare tables, run a workload, clean up');
  addConnectionFlags(bench.command('prepare').description('create sbtest1..N (dropping old ones) and fill them with --table-size rows'))
    .action((flags: ConnectionFlags) => guarded(async () => {
      const { prepareTables } = await import('./prepare');
      await prepareTables(schemaOptions(flags));
    }));
  addConnectionFlags(bench.command('cleanup').description('drop sbtest1..N'))
    .action((flags: ConnectionFlags) => guarded(async () => {
      const { cleanupTables } = await import('./prepare');
      await cleanupTables(schemaOptions(flags));
    }));
  addConnectionFlags(bench.command('run').description('run a workload and print its throughput and latency'))
    .addOption(new Option('--workload <name>', 'built-in workload').choices(WORKLOADS).default('point-select'))
    .option('--sql <file>', 'your own weighted statement mix instead (lines "WEIGHT<TAB>SQL", placeholders {id} {k} {table} {c} {pad} {int:A:B} {str:N}; see README)')
    .option('--prepared', 'use prepared statements (binary protocol)')
    .option('--connections <n>', 'client connections per target', positiveInt(100_000), DEFAULTS.connections)
    .option('--threads <n>', "the load generator's own worker threads", positiveInt(256), DEFAULTS.threads)
    .addOption(new Option('--duration <seconds>', `measured seconds per target (default ${DEFAULTS.durationSec})`).argParser(seconds(0.1)).conflicts('requests'))
    .option('--requests <n>', 'measure exactly this many requests per target instead', positiveInt(1_000_000_000))
    .option('--rate <n>', 'open loop: requests per second per target, latency measured from each intended send time', positiveInt(10_000_000))
    .option('--warmup <seconds>', 'unmeasured load per target before measuring', seconds(0), DEFAULTS.warmupSec)
    .option('--slice <seconds>', 'with --compare: alternate targets in slices of this long', seconds(0.1), DEFAULTS.sliceSec)
    .option('--compare <host:port>', 'run the same workload against a second target too, alternating, and print their ratio', hostPort)
    .option('--json', 'print the result as JSON on stdout (progress stays on stderr)')
    .option('--html <file>', 'also write a self-contained HTML report with latency and throughput plots')
    .action((flags: RunFlags) => guarded(() => runCommand(flags)));
}

function schemaOptions(flags: ConnectionFlags) {
  return {
    target: { name: `${flags.host}:${flags.port}`, host: flags.host, port: flags.port },
    user: flags.user, password: flags.password, database: flags.database,
    tables: flags.tables, tableSize: flags.tableSize, progress: process.stderr,
  };
}

async function runCommand(flags: RunFlags): Promise<void> {
  const targets = [{ name: `${flags.host}:${flags.port}`, host: flags.host, port: flags.port }];
  if (flags.compare) targets.push(parseTarget(flags.compare));
  const opts: BenchOptions = {
    targets,
    user: flags.user,
    password: flags.password,
    database: flags.database,
    workload: flags.sql ?? flags.workload,
    mix: flags.sql ? readMix(flags.sql) : builtinMix(flags.workload),
    connections: flags.connections,
    threads: flags.threads,
    durationSec: flags.duration ?? DEFAULTS.durationSec,
    requests: flags.requests,
    rate: flags.rate,
    warmupSec: flags.warmup,
    sliceSec: flags.slice,
    prepared: flags.prepared ?? false,
    tables: flags.tables,
    tableSize: flags.tableSize,
    progress: process.stderr,
  };
  const { runBench } = await import('./run');
  const { formatTable } = await import('./report-text');
  const result = await runBench(opts);
  const table = formatTable(result);
  if (flags.html) {
    const { renderHtml } = await import('./report-html');
    writeFileSync(flags.html, renderHtml(result, table));
  }
  process.stdout.write(flags.json ? JSON.stringify(result, null, 2) + '\n' : table);
  if (result.targets.some((t) => t.requests === 0)) process.exitCode = 1;
}

/** Runs an action; a failure is one line on stderr and exit code 1 (a bad flag is commander's exit 2). */
async function guarded(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (e) {
    process.stderr.write(`sluice: bench: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
