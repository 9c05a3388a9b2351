#!/usr/bin/env node
// sluice's command line. Each subcommand is a small `add…Command` function with its action beside it;
// when an action grows (bench, explain), it moves to its own module and this file only registers it.
// Exit codes: 0 success, 1 a configuration or start-up problem, 2 a usage error (bad flag or argument).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import {
  ConfigError,
  LOG_LEVELS,
  RANGES,
  applyOverrides,
  describeTopology,
  loadConfigFile,
  parseListen,
  type ConfigOverrides,
} from './config';
import { addExplainCommand } from './explain-command';
import { addBenchCommand } from './loadgen/command';

const EXIT_CONFIG = 1;
const EXIT_USAGE = 2;

/** Thrown by actions to end the command with a message on stderr and an exit code. */
class CliExit extends Error {
  constructor(
    readonly lines: string[],
    readonly exitCode: number,
  ) {
    super(lines.join('\n'));
  }
}

function buildProgram(): Command {
  const program = new Command('sluice')
    .description('A multi-core MySQL proxy: forwarding, read/write splitting and sharding over MySQL/MariaDB backends')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`sluice: ${text.replace(/^error: /, '')}`) });
  addServeCommand(program);
  addCheckConfigCommand(program);
  addExplainCommand(program);
  addBenchCommand(program);
  return program;
}

interface ServeFlags {
  config?: string;
  listen?: string;
  threads?: number;
  bufferPoolMb?: number;
  logLevel?: string;
  metricsPort?: number;
}

function addServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the proxy (SIGTERM/SIGINT: stop accepting, let running queries finish, close backends, exit 0)')
    .option('-c, --config <file>', 'configuration file (YAML), required')
    .option('--listen <host:port>', 'address to listen on; overrides listen', listenFlag)
    .option('--threads <n>', 'worker threads; overrides threads (default: the number of cores)', intFlag(RANGES.threads))
    .option('--buffer-pool-mb <n>', 'global buffer budget in MiB; overrides bufferPoolMB', intFlag(RANGES.bufferPoolMB))
    .addOption(new Option('--log-level <level>', 'log level; overrides logLevel').choices(LOG_LEVELS))
    .option('--metrics-port <n>', 'Prometheus metrics port on 127.0.0.1, 0 = off; overrides metricsPort', intFlag(RANGES.metricsPort))
    .action(async (flags: ServeFlags) => serve(flags));
}

async function serve(flags: ServeFlags): Promise<void> {
  const file = flags.config;
  // Checked here rather than by commander, which would report a missing --config before an unknown flag.
  if (file === undefined) throw new CliExit(['sluice: serve needs --config FILE'], EXIT_USAGE);
  const overrides: ConfigOverrides = {
    listen: flags.listen,
    threads: flags.threads,
    bufferPoolMB: flags.bufferPoolMb,
    logLevel: flags.logLevel,
    metricsPort: flags.metricsPort,
  };
  const config = withConfigErrors(EXIT_CONFIG, () => loadConfigFile(file));
  const final = withConfigErrors(EXIT_USAGE, () => applyOverrides(config, overrides));
  // Imported on demand: check-config and --help need none of the server's machinery (workers, FFI).
  const { startServer } = await import('./server/index');
  try {
    await startServer(final, { handleSignals: true });
  } catch (err) {
    throw new CliExit([`sluice: cannot start: ${(err as Error).message}`], EXIT_CONFIG);
  }
}

function addCheckConfigCommand(program: Command): void {
  program
    .command('check-config')
    .description('validate a configuration file and print the resolved topology (exit 1 with one line per problem)')
    .argument('<file>', 'configuration file (YAML)')
    .action(async (file: string) => {
      const config = withConfigErrors(EXIT_CONFIG, () => loadConfigFile(file));
      process.stdout.write(describeTopology(config));
      // Each backend account's grants, beyond what sluice needs: warnings (the exit code stays 0).
      const { checkGrants, describeReport } = await import('./backend/grant-check');
      const notes: string[] = [];
      for (const report of await checkGrants(config)) {
        const { warnings, note } = describeReport(report);
        for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
        if (note) notes.push(`  ${note}\n`);
      }
      if (notes.length > 0) process.stdout.write(`grants\n${notes.join('')}`);
    });
}

/** Runs a configuration step; its problems become the command's stderr lines and exit code. */
function withConfigErrors<T>(exitCode: number, step: () => T): T {
  try {
    return step();
  } catch (err) {
    if (err instanceof ConfigError) throw new CliExit(err.problems, exitCode);
    throw err;
  }
}

function intFlag(range: { min: number; max: number }): (text: string) => number {
  return (text) => {
    const value = /^[0-9]+$/.test(text) ? Number(text) : NaN;
    if (!(value >= range.min && value <= range.max)) throw new InvalidArgumentError(`Must be an integer ${range.min}-${range.max}.`);
    return value;
  };
}

function listenFlag(text: string): string {
  const listen = parseListen(text);
  if (typeof listen === 'string') throw new InvalidArgumentError(`${listen[0].toUpperCase()}${listen.slice(1)}.`);
  return text;
}

/** The version in sluice's package.json, found by walking up from this file (src/ or dist/src/). */
function packageVersion(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
    if (path.dirname(dir) === dir) return 'unknown';
  }
}

async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CliExit) {
      process.stderr.write(err.lines.join('\n') + '\n');
      process.exitCode = err.exitCode;
    } else if (err instanceof CommanderError) {
      // commander has already printed its message (help, version, or one error line).
      process.exitCode = err.exitCode === 0 ? 0 : EXIT_USAGE;
    } else {
      throw err;
    }
  }
}

void main(process.argv);
