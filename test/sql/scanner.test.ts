// The hand-rolled scanner must produce exactly the moo lexer's token arrays.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { TokenBuffer } from '../../src/sql/lexer';
import { scanFast } from '../../src/sql/scanner';

const moo = new TokenBuffer();
const fast = new TokenBuffer();

function mismatch(sql: string): string | undefined {
  moo.scan(sql);
  scanFast(fast, sql);
  const n = Math.max(moo.count, fast.count);
  for (let i = 0; i <= n; i++) {
    if (moo.kinds[i] !== fast.kinds[i] || moo.starts[i] !== fast.starts[i] || moo.ends[i] !== fast.ends[i]) {
      const m = JSON.stringify(sql.slice(moo.starts[i], moo.ends[i]));
      const f = JSON.stringify(sql.slice(fast.starts[i], fast.ends[i]));
      return `token ${i}: moo ${moo.kinds[i]} ${m}, fast ${fast.kinds[i]} ${f} in ${JSON.stringify(sql)}`;
    }
  }
  return undefined;
}

const TRICKY = [
  'SELECT c FROM sbtest1 WHERE id=123',
  '1e5x 0x1g 0b102 1.e5 .5e3 1.5abc 123e 1e+ 0x 0b 0x1F 0X1F 0b1 b1 x1 n1',
  "x'zz' X'1f' b'12' B'01' N'abc' n'a''b' N'unterminated",
  "'a\\'b' \"c\\\"d\" 'it''s' \"\" '' `a``b` `unterminated",
  '@@a.b.`c` @@`x`.y @\'x\' @"y" @`z` @ @@ @a.b.c @1 @@1x',
  'a--1 a-- 1 -- c\n#x\n/* c */ /* unterminated',
  'SELECT /*+ A */ /*+ B */ 1; x /*+ C */ y; /*+ unterminated',
  '/*!50708 a */ */ /*M!100101 b */ /*! c */',
  '<=> <= << <> < >= >> > != ! := : && & || | -> ->> - ~ ^ % + * / = ( ) , . ; { } ?',
  '\\N \\x',
  "café 表 `é` 'é'",
  '\t\r\n\f\vx',
  '',
];

describe('scanner', () => {
  it('matches moo on tricky inputs', () => {
    for (const s of TRICKY) assert.equal(mismatch(s), undefined);
  });

  it('matches moo on every line and every file of the SQL corpus', () => {
    const dir = join(__dirname, '../../../test/sql/corpus');
    if (!existsSync(dir)) return;
    const files: string[] = [];
    const walk = (d: string) => {
      for (const f of readdirSync(d, { withFileTypes: true })) {
        if (f.isDirectory()) walk(join(d, f.name));
        else if (f.name.endsWith('.sql')) files.push(join(d, f.name));
      }
    };
    walk(dir);
    const bad: string[] = [];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const part of [text, ...text.split('\n')]) {
        const m = mismatch(part);
        if (m) bad.push(m);
      }
    }
    assert.deepEqual(bad, []);
  });
});
