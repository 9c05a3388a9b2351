// One load-generating connection: draws a statement from the mix, sends it (text or binary protocol)
// and is the relay sink of its response, which is scanned for its end and never decoded.
import { BackendConnection, type RelaySink } from '../backend/connection';
import { Cap, Com } from '../protocol/constants';
import { decodeErr } from '../protocol/packets';
import { ResponseKind, type ResponseScanner } from '../protocol/response-scanner';
import { executeCommand, preparedIds, queryCommand, textCommand } from './commands';
import type { BenchTarget } from './options';
import { compileTemplate, drawTable, drawValue, fillText, preparedShape, rng, type Template, type TemplateScope } from './template';
import type { MixEntry } from './workloads';

/** Told when a request of a client ends. */
export interface ClientOwner {
  /** The response is complete; err is the ERR message, or null. */
  completed(client: BenchClient, err: string | null): void;
  /** The connection is gone. */
  lost(client: BenchClient, err: Error): void;
}

/** The mix compiled once per thread: templates and cumulative weights for drawing. */
export class CompiledMix {
  readonly templates: Template[];
  private readonly cumulative: number[];
  private readonly total: number;

  constructor(entries: MixEntry[], readonly scope: TemplateScope) {
    this.templates = entries.map((e) => compileTemplate(e.sql, scope));
    let sum = 0;
    this.cumulative = entries.map((e) => (sum += e.weight));
    this.total = sum;
  }

  /** The index of a statement drawn by weight. */
  pick(random: () => number): number {
    const x = random() * this.total;
    const c = this.cumulative;
    let i = 0;
    while (i < c.length - 1 && c[i] <= x) i++;
    return i;
  }
}

export class BenchClient implements RelaySink {
  /** Start of the request in flight (its send time, or its intended time in open loop); set by the driver. */
  startedAt = 0;
  alive = true;
  private readonly random: () => number;
  private readonly values: (number | string)[] = [];
  /** Prepared mode: statement ids by [mix entry][table - 1], and each one's parameter draws. */
  private statements: { id: number; params: number[] }[][] = [];

  private constructor(
    readonly target: number,
    private readonly conn: BackendConnection,
    private readonly mix: CompiledMix,
    private readonly owner: ClientOwner,
    seed: number,
  ) {
    this.random = rng(seed);
  }

  static async open(target: BenchTarget, index: number, login: { user: string; password: string; database: string },
    mix: CompiledMix, owner: ClientOwner, seed: number): Promise<BenchClient> {
    const conn = await BackendConnection.connect(
      { name: target.name, host: target.host, port: target.port, user: login.user, password: login.password, connectTimeoutMs: 10_000 },
      Cap.DEPRECATE_EOF, login.database);
    return new BenchClient(index, conn, mix, owner, seed);
  }

  /** Prepares every statement of the mix for every table (prepared mode); throws on an ERR. */
  async prepareAll(): Promise<void> {
    const byText = new Map<string, number>();
    const { scope, templates } = this.mix;
    this.statements = [];
    for (const t of templates) {
      const perTable: { id: number; params: number[] }[] = [];
      for (let table = 1; table <= scope.tables; table++) {
        const shape = preparedShape(t, table, scope);
        let id = byText.get(shape.sql);
        if (id === undefined) {
          id = await this.prepare(shape.sql);
          byText.set(shape.sql, id);
        }
        perTable.push({ id, params: shape.params });
      }
      this.statements.push(perTable);
    }
  }

  private prepare(sql: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.conn.relay(textCommand(Com.STMT_PREPARE, sql), ResponseKind.Prepare, {
        data() {},
        end(scanner) {
          if (scanner.err) reject(new Error(`cannot prepare "${sql}": ${decodeErr(scanner.err).message}`));
          else if (!scanner.ok) reject(new Error(`cannot prepare "${sql}": no PREPARE_OK`));
          else resolve(preparedIds(scanner.ok).statementId);
        },
        fail: reject,
      });
    });
  }

  /** Sends one request drawn from the mix. */
  send(): void {
    const entry = this.mix.pick(this.random);
    let command: Buffer;
    if (this.statements.length === 0) {
      command = queryCommand(fillText(this.mix.templates[entry], this.mix.scope, this.random, this.values));
    } else {
      const t = this.mix.templates[entry];
      const stmt = this.statements[entry][drawTable(this.mix.scope, this.random) - 1];
      const values = this.values;
      for (let i = 0; i < t.draws.length; i++) values[i] = drawValue(t.draws[i], this.random);
      command = executeCommand(stmt.id, stmt.params.map((k) => values[k]));
    }
    this.conn.relay(command, ResponseKind.Result, this);
  }

  data(): void {}

  end(scanner: ResponseScanner): void {
    this.owner.completed(this, scanner.err ? decodeErr(scanner.err).message : null);
  }

  fail(err: Error): void {
    this.alive = false;
    this.owner.lost(this, err);
  }

  close(): void {
    this.alive = false;
    this.conn.close();
  }
}
