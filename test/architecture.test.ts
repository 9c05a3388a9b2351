// The shape of src/, read from the sources' own imports: no import cycles, a pure protocol/, and
// folders that import only downstream along the data path. Imports are found by a small scanner
// (import/export ... from, bare imports, import() and require() of a literal); type-only imports
// count like any other, since they tie the two files together just the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const src = path.join(root, 'src');

/**
 * The folders of src/ (and its top-level files) from the top down. A folder may import itself and
 * any folder of a LOWER tier; folders of one tier do not import each other. A new folder fails the
 * test until it is placed here. The order is the journey of one query where the imports allow it:
 * the stage that runs a plan reads the plan's types, so execute/ stands above plan/; the plan
 * names its rewrite and its merge in their own types (rewrite/program, merge/spec), so plan/ stands
 * above rewrite/ and merge/; transactions take their members' connections from the backend lease
 * in execute/, so transaction/ stands above execute/. Below the stages lie what every stage
 * shares: the codec, buffers, counters, and the leaves.
 */
const TIERS: readonly (readonly string[])[] = [
  ['cli.ts'], // the command line: serve, check-config, and the commands below
  ['explain-command.ts', 'loadgen'], // `sluice explain`, `sluice bench` (a client of its own)
  ['server'], // main thread: listening socket, worker slots, hand-off, peer questions
  ['worker'], // worker thread entry: turns fds into sockets for its session runtime
  ['session'], // one client connection: greeting, auth, COM_* dispatch, session state
  ['kernel'], // how a statement runs (being carved out of session/)
  ['transaction'], // local (later XA) transactions; their members lease from execute/backend-lease.ts
  ['execute'], // backend leases, route units run over the pools, read failover, EXPLAIN, metadata
  ['plan'], // sharding rules, router, plan cache: SQL -> ShardPlan
  ['rewrite'], // splices the original SQL per route unit
  ['health'], // which backends answer; the main thread's probe connects to them
  ['backend'], // backend connections, pools, prepared-statement budget
  ['merge'], // shard rows -> one result (ORDER BY, GROUP BY, aggregates, LIMIT)
  ['respond'], // writes the answers sluice builds to the client
  ['protocol'], // pure Buffer <-> message codecs
  ['memory'], // slab pool (global buffer budget), socket read buffers
  ['metrics'], // SharedArrayBuffer counters and histograms
  ['sql', 'config', 'logger.ts'], // leaves: parser, configuration, logger
];

/**
 * Imports that run back up today, while session/ is being taken apart into kernel/ and transaction/
 * (issue 13). Each must still exist (remove it here when it goes), so this list only shrinks.
 */
const SESSION_BACK_EDGES_BEING_RESHAPED: readonly string[] = [];

/**
 * What protocol/ may import. It is Buffer in, message out: no sockets, streams, files or threads.
 * Besides itself it may use memory/, which lies below it: the framer reassembles large packets in
 * buffers borrowed from the slab pool its caller hands it (framing.ts takes the pool's types only).
 * Of Node, only modules that compute (node:crypto for the auth scrambles and RSA); no packages.
 * Everything protocol/ reaches, through memory/ or otherwise, must be free of I/O modules too.
 */
const PROTOCOL_MAY_IMPORT = new Set(['protocol', 'memory']);
const PURE_NODE_MODULES = new Set(['node:buffer', 'node:crypto']);
const IO_MODULES = new Set(['net', 'tls', 'dgram', 'dns', 'http', 'https', 'http2', 'stream', 'stream/promises', 'fs', 'fs/promises',
  'worker_threads', 'child_process', 'cluster', 'readline', 'inspector']);

/** One import of a source file: the specifier as written, and our file it names (src/-relative path), if any. */
interface Import {
  spec: string;
  target: string | null;
}

const STATIC_IMPORT = /^[ \t]*(?:import|export)\b[^;'"`]*?\bfrom\s*['"]([^'"]+)['"]|^[ \t]*import\s*['"]([^'"]+)['"]/gm;
const CALL_IMPORT = /\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** The file a relative specifier names, as TypeScript resolves it (x.ts, x/index.ts), or null. */
function resolveRelative(from: string, spec: string): string | null {
  const base = path.resolve(path.dirname(from), spec);
  for (const p of [`${base}.ts`, path.join(base, 'index.ts')]) if (fs.existsSync(p)) return p;
  return null;
}

function scanImports(file: string): Import[] {
  const text = fs.readFileSync(file, 'utf8');
  const specs = [...text.matchAll(STATIC_IMPORT)].map((m) => m[1] ?? m[2]).concat([...text.matchAll(CALL_IMPORT)].map((m) => m[1]));
  return specs.map((spec) => {
    if (!spec.startsWith('.')) return { spec, target: null };
    const to = resolveRelative(file, spec);
    assert.ok(to, `${rel(file)} imports '${spec}', which names no .ts file (the scanner misread it, or the import is broken)`);
    return { spec, target: rel(to) };
  });
}

function rel(file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

/** The top-level entry of src/ a file belongs to: its folder, or the file itself (cli.ts). */
function partOf(file: string): string {
  return file.slice('src/'.length).split('/')[0];
}

const graph = new Map<string, Import[]>(sourceFiles(src).map((f) => [rel(f), scanImports(f)]));

function ourImports(file: string): string[] {
  return (graph.get(file) ?? []).flatMap((i) => (i.target ? [i.target] : []));
}

test('the scanner reads every import: each bare specifier is a Node module or a dependency in package.json', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const unknown: string[] = [];
  for (const [file, imports] of graph) {
    for (const { spec, target } of imports) {
      if (target || spec.startsWith('node:') || spec.split('/')[0] in pkg.dependencies) continue;
      unknown.push(`${file}: '${spec}'`);
    }
  }
  assert.deepEqual(unknown, [], 'imports of unknown modules (write node builtins as node:x)');
  const edges = [...graph.keys()].reduce((n, f) => n + ourImports(f).length, 0);
  assert.ok(graph.size > 100 && edges > 2 * graph.size, `the scanner found too few files or imports (${graph.size} files, ${edges} imports)`);
});

test('no import cycles in src/', () => {
  const cycles = stronglyConnected([...graph.keys()], ourImports)
    .filter((c) => c.length > 1 || ourImports(c[0]).includes(c[0]))
    .map((c) => cyclePath(c).join(' -> '));
  assert.deepEqual(cycles, [], `import cycles:\n  ${cycles.join('\n  ')}`);
});

test('protocol/ is pure: it imports only itself, memory/ and computing Node modules, and reaches no I/O module', () => {
  const wrong: string[] = [];
  for (const [file, imports] of graph) {
    if (partOf(file) !== 'protocol') continue;
    for (const { spec, target } of imports) {
      const ok = target ? PROTOCOL_MAY_IMPORT.has(partOf(target)) : PURE_NODE_MODULES.has(spec);
      if (!ok) wrong.push(`${file} -> ${target ?? spec}`);
    }
  }
  assert.deepEqual(wrong, [], 'protocol/ imports outside what it may');

  const reached = new Set([...graph.keys()].filter((f) => partOf(f) === 'protocol'));
  for (const f of reached) for (const to of ourImports(f)) reached.add(to);
  const io = [...reached].flatMap((f) => graph.get(f)!.filter((i) => IO_MODULES.has(i.spec.replace(/^node:/, ''))).map((i) => `${f} -> ${i.spec}`));
  assert.deepEqual(io, [], 'files protocol/ reaches import I/O modules');
});

test('every folder of src/ has its place in the tiers', () => {
  const tierOf = tierIndex();
  const parts = [...new Set([...graph.keys()].map(partOf))];
  assert.deepEqual(parts.filter((p) => !tierOf.has(p)), [], 'place these in TIERS');
});

test('folders import only downstream along the data path (allowlisted back edges still present)', () => {
  const tierOf = tierIndex();
  const upstream: string[] = [];
  for (const file of graph.keys()) {
    for (const to of ourImports(file)) {
      const [a, b] = [partOf(file), partOf(to)];
      if (a !== b && !(tierOf.get(b)! > tierOf.get(a)!)) upstream.push(`${file} -> ${to}`);
    }
  }
  const allowed = new Set(SESSION_BACK_EDGES_BEING_RESHAPED);
  assert.deepEqual(upstream.filter((e) => !allowed.has(e)), [], 'imports that run up the data path, or between folders of one tier');
  assert.deepEqual(SESSION_BACK_EDGES_BEING_RESHAPED.filter((e) => !upstream.includes(e)), [],
    'these allowlisted back edges are gone: remove them from SESSION_BACK_EDGES_BEING_RESHAPED');
});

function tierIndex(): Map<string, number> {
  return new Map(TIERS.flatMap((tier, i) => tier.map((part) => [part, i] as const)));
}

/** Tarjan's strongly connected components of the graph over nodes. */
function stronglyConnected(nodes: string[], next: (n: string) => string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (n: string): void => {
    index.set(n, index.size);
    low.set(n, index.get(n)!);
    stack.push(n);
    onStack.add(n);
    for (const m of next(n)) {
      if (!index.has(m)) {
        visit(m);
        low.set(n, Math.min(low.get(n)!, low.get(m)!));
      } else if (onStack.has(m)) {
        low.set(n, Math.min(low.get(n)!, index.get(m)!));
      }
    }
    if (low.get(n) !== index.get(n)) return;
    const component: string[] = [];
    let m: string;
    do {
      m = stack.pop()!;
      onStack.delete(m);
      component.push(m);
    } while (m !== n);
    out.push(component.sort());
  };
  for (const n of nodes) if (!index.has(n)) visit(n);
  return out;
}

/** A shortest loop through a component's first file, as the file path it takes. */
function cyclePath(component: string[]): string[] {
  const inside = new Set(component);
  const start = component[0];
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    for (const m of ourImports(queue[i]).filter((x) => inside.has(x))) {
      if (m === start) {
        const between: string[] = [];
        for (let n = queue[i]; n !== start; n = cameFrom.get(n)!) between.unshift(n);
        return [start, ...between, start];
      }
      if (!cameFrom.has(m)) {
        cameFrom.set(m, queue[i]);
        queue.push(m);
      }
    }
  }
  throw new Error(`BUG: no loop through ${start}`);
}
