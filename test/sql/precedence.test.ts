// Operator precedence, written as the fully parenthesized output of printSql({ parens: true }).
// Each case follows MySQL's grammar (sql_yacc.yy) and the manual's "Operator Precedence" table.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse, printSql, stripSpans, type Expr, type Select } from '../../src/sql';

function expr(sql: string): Expr {
  return (parse('SELECT ' + sql) as Select).columns[0].expr;
}
const paren = (sql: string) => printSql(expr(sql), { parens: true });

const CASES: [string, string][] = [
  // logical: OR < XOR < AND < NOT
  ['a OR b AND c', '(a OR (b AND c))'],
  ['a AND b OR c', '((a AND b) OR c)'],
  ['a OR b XOR c', '(a OR (b XOR c))'],
  ['a XOR b AND c', '(a XOR (b AND c))'],
  ['a || b && c', '(a OR (b AND c))'],
  ['a OR b OR c', '((a OR b) OR c)'],
  ['NOT a AND b', '((NOT a) AND b)'],
  ['NOT a = b', '(NOT (a = b))'],
  ['NOT NOT a', '(NOT (NOT a))'],
  ['a = 1 AND NOT b = 2 OR c', '(((a = 1) AND (NOT (b = 2))) OR c)'],
  // ! binds tighter than comparison, NOT looser
  ['!a = b', '((!a) = b)'],
  // IS
  ['a IS NULL AND b IS NOT NULL', '((a IS NULL) AND (b IS NOT NULL))'],
  ['NOT a IS NULL', '(NOT (a IS NULL))'],
  ['a = b IS TRUE', '((a = b) IS TRUE)'],
  ['a IS NOT UNKNOWN OR b', '((a IS NOT UNKNOWN) OR b)'],
  // comparisons are left-associative and take predicates on the right
  ['a = b = c', '((a = b) = c)'],
  ['a < b + c', '(a < (b + c))'],
  ['a | b = c', '((a | b) = c)'],
  ['a = b IN (1, 2)', '(a = (b IN (1, 2)))'],
  ['a NOT IN (1, 2) = FALSE', '((a NOT IN (1, 2)) = FALSE)'],
  ['a <=> b AND c <> d', '((a <=> b) AND (c <> d))'],
  // BETWEEN, LIKE, REGEXP
  ['a BETWEEN b AND c AND d', '((a BETWEEN b AND c) AND d)'],
  ['a BETWEEN b + 1 AND c * 2', '(a BETWEEN (b + 1) AND (c * 2))'],
  ['a NOT BETWEEN 1 AND 2 OR b', '((a NOT BETWEEN 1 AND 2) OR b)'],
  ["a LIKE 'x%' OR b", "((a LIKE 'x%') OR b)"],
  ["a NOT LIKE b ESCAPE '!'", "(a NOT LIKE b ESCAPE '!')"],
  ["a RLIKE 'x' AND b REGEXP 'y'", "((a REGEXP 'x') AND (b REGEXP 'y'))"],
  ['a SOUNDS LIKE b', '(a SOUNDS LIKE b)'],
  // bit and arithmetic: | < & < << >> < + - < * / DIV % MOD < ^ < unary
  ['a | b & c', '(a | (b & c))'],
  ['a & b << c', '(a & (b << c))'],
  ['a << b + c', '(a << (b + c))'],
  ['a + b * c', '(a + (b * c))'],
  ['a - b - c', '((a - b) - c)'],
  ['a * b / c DIV d % e MOD f', '(((((a * b) / c) DIV d) % e) % f)'],
  ['a * b ^ c', '(a * (b ^ c))'],
  ['-a ^ b', '((-a) ^ b)'],
  ['~a + b', '((~a) + b)'],
  ['- - a', '(-(-a))'],
  ['BINARY a = b', '((BINARY a) = b)'],
  // COLLATE binds tightest
  ['a COLLATE utf8mb4_bin = b', '((a COLLATE utf8mb4_bin) = b)'],
  ['-a COLLATE utf8mb4_bin', '(-(a COLLATE utf8mb4_bin))'],
  // INTERVAL
  ['a + INTERVAL 1 DAY', '(a + INTERVAL 1 DAY)'],
  ['INTERVAL 1 DAY + a', '(INTERVAL 1 DAY + a)'],
  ['a - INTERVAL b + 1 HOUR * 2', '((a - INTERVAL (b + 1) HOUR) * 2)'],
  // := is loosest and right-associative
  ['@x := 1 + 2', '(@x := (1 + 2))'],
  ['@x := @y := 3', '(@x := (@y := 3))'],
  // parentheses in the input win
  ['(a OR b) AND c', '((a OR b) AND c)'],
  ['a * (b + c)', '(a * (b + c))'],
];

describe('precedence', () => {
  for (const [input, want] of CASES) {
    it(`${input}  ->  ${want}`, () => {
      assert.equal(paren(input), want);
      // the minimal form prints back to the same tree
      const e = expr(input);
      assert.deepEqual(stripSpans(expr(printSql(e))), stripSpans(e));
    });
  }
});
