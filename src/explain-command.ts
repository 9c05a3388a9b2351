// `sluice explain --config FILE [--schema NAME] "SQL"`: the plan of one statement on a sharded
// schema, printed offline (no backend is contacted): each route unit with its backends and physical
// SQL, then the merge steps. cli.ts only registers the command.
import type { Command } from 'commander';
import { ConfigError, loadConfigFile, type ShardedSchema, type SluiceConfig } from './config';
import { SqlError } from './protocol/errors';
import { SqlSyntaxError } from './sql/errors';

const EXIT_PROBLEM = 1;
const EXIT_USAGE = 2;

interface ExplainFlags {
  config?: string;
  schema?: string;
}

/** A reason the command cannot print a plan: its stderr lines and exit code. */
class ExplainExit extends Error {
  constructor(
    readonly lines: string[],
    readonly exitCode: number,
  ) {
    super(lines.join('\n'));
  }
}

/** Registers `explain` on the program. */
export function addExplainCommand(program: Command): void {
  program
    .command('explain')
    .description('print how sluice would route, rewrite and merge a statement on a sharded schema (offline: no backend is contacted)')
    .option('-c, --config <file>', 'configuration file (YAML), required')
    .option('--schema <name>', 'the sharded schema to plan on (default: the only sharded schema)')
    .argument('<sql>', 'the statement, quoted as one argument')
    .action(async (sql: string, flags: ExplainFlags) => {
      try {
        process.stdout.write(await explainStatement(sql, flags));
      } catch (err) {
        if (!(err instanceof ExplainExit)) throw err;
        process.stderr.write(err.lines.join('\n') + '\n');
        process.exitCode = err.exitCode;
      }
    });
}

async function explainStatement(sql: string, flags: ExplainFlags): Promise<string> {
  if (flags.config === undefined) throw new ExplainExit(['sluice: explain needs --config FILE'], EXIT_USAGE);
  let config: SluiceConfig;
  try {
    config = loadConfigFile(flags.config);
  } catch (err) {
    if (err instanceof ConfigError) throw new ExplainExit(err.problems, EXIT_PROBLEM);
    throw err;
  }
  const schema = pickSchema(config, flags.schema);
  // Imported on demand: --help and config problems need none of the planner.
  const { planStatement, SnowflakeGenerator } = await import('./plan');
  const { unitBackends } = await import('./plan/preview');
  let plan;
  try {
    plan = planStatement(sql, schema, { keys: new SnowflakeGenerator({ nodeId: config.nodeId }) });
  } catch (err) {
    if (err instanceof SqlError || err instanceof SqlSyntaxError) {
      throw new ExplainExit([`sluice: ERROR ${err.errno} (${err.sqlState}): ${err.message}`], EXIT_PROBLEM);
    }
    throw err;
  }
  const where = (name: string) => {
    const b = config.backends[name];
    return b ? `${name} (${b.host}:${b.port})` : name;
  };
  const n = plan.units.length;
  const lines = [
    `schema ${schema.name}: route ${plan.route}, ${n} unit${n === 1 ? '' : 's'}, ${plan.primary ? 'on the primaries' : 'reads (replicas where configured; primaries inside a transaction)'}, ${plan.returnsRows ? 'returns rows' : 'returns OK'}`,
  ];
  plan.units.forEach((u, i) => {
    const p = schema.partitions[u.partition];
    const backends = unitBackends(plan, p);
    const reads = backends[0] === p.write && backends.length === 1 ? '' : `, reads ${backends.map(where).join(', ')}`;
    lines.push(`[${i}] partition ${u.partition}: write ${where(p.write)}${reads}, database ${p.database}`);
    lines.push(`    ${u.sql}`);
  });
  if (plan.steps.length === 0) lines.push(`merge: none (${n === 1 ? 'the one unit answers as is' : 'nothing to combine'})`);
  else lines.push('merge:', ...plan.steps.map((s) => `  - ${s}`));
  if (plan.generatedIds) lines.push(`generated ids: ${plan.generatedIds.join(', ')}`);
  return lines.join('\n') + '\n';
}

/** The sharded schema named by --schema, or the only one; one clear line otherwise. */
function pickSchema(config: SluiceConfig, name: string | undefined): ShardedSchema {
  const sharded = Object.values(config.schemas).filter((s): s is ShardedSchema => s.kind === 'sharded');
  const names = sharded.map((s) => s.name).join(', ');
  if (name === undefined) {
    if (sharded.length === 1) return sharded[0];
    if (sharded.length === 0) throw new ExplainExit(['sluice: the configuration has no sharded schema: forwarding schemas run statements unchanged'], EXIT_PROBLEM);
    throw new ExplainExit([`sluice: several sharded schemas (${names}): choose one with --schema`], EXIT_PROBLEM);
  }
  const schema = config.schemas[name];
  if (schema === undefined) throw new ExplainExit([`sluice: unknown schema "${name}" (sharded: ${names || 'none'})`], EXIT_PROBLEM);
  if (schema.kind !== 'sharded') {
    throw new ExplainExit([`sluice: schema "${name}" is not sharded: its statements go unchanged to backend ${schema.backend}, database ${schema.database}`], EXIT_PROBLEM);
  }
  return schema;
}
