// The deterministic, generated part of the corpus: operator precedence pairs, operand kinds, literal
// forms and OLTP shapes, combined from small tables so every combination is covered once. The
// hand-written files hold the realistic statements; these are the systematic sweep around them.
// They are built in memory (no generated file to go stale); `node dist/test/sql/corpus/generate.js`
// prints them, one a line.
import type { CorpusStatement } from '../../helpers/corpus-load';

/** Binary operators of MySQL's expression grammar, loosest first within the sweep. */
const BINARY_OPS = ['OR', 'XOR', 'AND', '=', '<=>', '<>', '<', '>=', 'LIKE', '|', '&', '<<', '>>', '+', '-', '*', '/', 'DIV', '%', '^'];

/** Operands of one kind each: column, literals, placeholder, variables, call, subquery, parenthesized. */
const OPERANDS = ['a', 't1.b', '42', '-7', '2.5', "'s'", 'NULL', '?', '@v', '@@max_connections', 'ABS(e)', '(SELECT MAX(a) FROM t2)', '(b + 1)', 'X\'0F\'', '0b11'];

/** Literal forms for point lookups. */
const LITERALS = ['0', '1', '-1', '2147483648', '18446744073709551615', '1.5', '-0.25', '3e2', "'42'", '"42"', "_utf8mb4'42'", "N'42'", '0x2A', "X'2A'", '0b101010', "b'101010'", 'TRUE', 'NULL', '?', '@id'];

const TABLES: [string, string][] = [['users', 'id'], ['orders', 'user_id'], ['sbtest1', 'id'], ['sbtest2', 'k'], ['t1', 'a'], ['corpus.products', 'category_id'], ['analytics.user_stats', 'user_id']];

const UNARY_WRAPS = ['NOT x', '-x', '~x', '!x', 'x IS NULL', 'x IS NOT NULL', 'x IS TRUE', 'x BETWEEN 1 AND 9', 'x NOT BETWEEN 1 AND 9', 'x IN (1, 2, 3)', 'x NOT IN (1, ?)', "x LIKE 'p%'", "x NOT LIKE 'p%' ESCAPE '!'", "x REGEXP '^p'", 'x COLLATE utf8mb4_bin', 'BINARY x', '(x)', 'x = ANY (SELECT a FROM t2)', 'x > ALL (SELECT a FROM t3)', 'x IN (SELECT a FROM t2)'];

function* precedencePairs(): Generator<string> {
  for (const op1 of BINARY_OPS) {
    for (const op2 of BINARY_OPS) {
      if ((BINARY_OPS.indexOf(op1) + BINARY_OPS.indexOf(op2)) % 3 !== 0) continue; // a third of the 400 pairs
      yield `SELECT a ${op1} b ${op2} e FROM t1`;
    }
  }
}

function* operandKinds(): Generator<string> {
  for (let i = 0; i < OPERANDS.length; i++) {
    for (let j = 0; j < OPERANDS.length; j += 2) {
      const op = BINARY_OPS[(i * 7 + j) % BINARY_OPS.length];
      yield `SELECT ${OPERANDS[i]} ${op} ${OPERANDS[j]} FROM t1`;
    }
  }
}

function* unaryForms(): Generator<string> {
  const subjects = ['a', 'c', 't1.b', '(a + b)'];
  for (const wrap of UNARY_WRAPS) {
    for (const s of subjects) yield `SELECT id FROM t1 WHERE ${wrap.replace('x', s)}`;
  }
}

function* pointLookups(): Generator<string> {
  for (let ti = 0; ti < TABLES.length; ti++) {
    const [table, key] = TABLES[ti];
    for (let li = 0; li < LITERALS.length; li++) {
      if ((ti + li) % 2 === 1) yield `SELECT * FROM ${table} WHERE ${key} = ${LITERALS[li]}`;
    }
  }
}

function* oltpShapes(): Generator<string> {
  for (let n = 1; n <= 12; n++) {
    const ids = Array.from({ length: n }, (_, i) => String(1000 + i * 37)).join(', ');
    yield `SELECT id, k, c FROM sbtest1 WHERE id IN (${ids})`;
    yield `INSERT INTO sbtest2 (id, k, c, pad) VALUES ${Array.from({ length: n }, (_, i) => `(${i + 1}, ${i * 3}, 'c-${i}', 'pad-${i}')`).join(', ')}`;
    yield `SELECT c FROM sbtest1 WHERE id BETWEEN ${n * 100} AND ${n * 100 + 99} ORDER BY c LIMIT ${n}`;
    yield `UPDATE sbtest1 SET k = k + ${n} WHERE id = ${n * 11}`;
    yield `DELETE FROM sbtest2 WHERE id = ${n * 13} LIMIT 1`;
  }
}

function* clauseCombos(): Generator<string> {
  const wheres = ['', ' WHERE a > 1', ' WHERE a = ? AND b IN (1, 2)'];
  const groups = ['', ' GROUP BY a', ' GROUP BY a, b WITH ROLLUP'];
  const orders = ['', ' ORDER BY a DESC', ' ORDER BY 1, b'];
  const limits = ['', ' LIMIT 5', ' LIMIT 5, 10', ' LIMIT ? OFFSET ?'];
  let i = 0;
  for (const w of wheres) for (const g of groups) for (const o of orders) for (const l of limits) {
    if (i++ % 2 === 1 || (g.includes('ROLLUP') && o !== '')) continue; // MariaDB refuses ORDER BY with ROLLUP
    const having = g && i % 3 === 0 ? ' HAVING COUNT(*) > 1' : '';
    yield `SELECT a, COUNT(*) FROM t1${w}${g}${having}${o}${l}`;
  }
}

function* joinCombos(): Generator<string> {
  const joins = ['JOIN', 'INNER JOIN', 'LEFT JOIN', 'LEFT OUTER JOIN', 'RIGHT JOIN', 'CROSS JOIN', 'STRAIGHT_JOIN'];
  const conds = ['ON x.a = y.a', 'ON x.a = y.a AND y.b > 0', 'USING (id)', 'USING (a, b)'];
  for (const j of joins) for (const c of conds) {
    if (j === 'STRAIGHT_JOIN' && c.startsWith('USING')) continue;
    yield `SELECT x.id, y.c FROM t1 x ${j} t2 y ${c} WHERE x.id < 100`;
  }
}

/** The generated statements, in a fixed order. */
export function generatedStatements(): CorpusStatement[] {
  const all = [...precedencePairs(), ...operandKinds(), ...unaryForms(), ...pointLookups(), ...oltpShapes(), ...clauseCombos(), ...joinCombos()];
  return all.map((sql, i) => ({ sql, file: 'generated', line: i + 1, mode: 'prepare' as const }));
}

if (require.main === module) {
  for (const s of generatedStatements()) console.log(`${s.sql};`);
}
