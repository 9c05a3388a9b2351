// CONNECTION_ID() is the sluice session id (the id in sluice's handshake), not the id of whichever
// backend connection runs the statement: the call is replaced by the id as a literal before the
// statement goes anywhere, which keeps everything around it exact. A call that is a whole item of a
// select list gets the text as written for its column name, as MariaDB names it.
import { tokenize, type Token } from '../sql';

/** Keywords after which a select list begins, and modifiers that may stand before its first item. */
const LIST_START = new Set(['SELECT', 'DISTINCT', 'ALL', 'DISTINCTROW', 'HIGH_PRIORITY', 'STRAIGHT_JOIN', 'SQL_SMALL_RESULT',
  'SQL_BIG_RESULT', 'SQL_BUFFER_RESULT', 'SQL_CACHE', 'SQL_NO_CACHE', 'SQL_CALC_FOUND_ROWS']);
/** Tokens that end a select list item (when no alias follows). */
const ITEM_END = new Set([',', 'FROM', ';', 'INTO', 'WHERE', 'GROUP', 'HAVING', 'ORDER', 'LIMIT', 'UNION', 'EXCEPT',
  'INTERSECT', 'FOR', 'LOCK', 'WINDOW', ')']);
/** Keywords that end a select list. */
const LIST_END = new Set(['FROM', 'INTO', 'WHERE', 'GROUP', 'HAVING', 'ORDER', 'LIMIT', 'WINDOW', 'FOR', 'LOCK']);

/** `sql` with every CONNECTION_ID() call outside strings and comments replaced by `id` (sql itself when there is none). */
export function spliceConnectionId(sql: string, id: number): string {
  const tokens = tokenize(sql).filter((t) => t.type !== 'ws' && t.type !== 'comment');
  const word = (t: Token | undefined) => (t === undefined ? '' : t.type === 'string' || t.type === 'quotedIdent' ? '\0' : t.text.toUpperCase());
  let out = '';
  let copied = 0;
  // inList[depth]: between SELECT and the end of its select list at this parenthesis depth.
  const inList: boolean[] = [false];
  for (let i = 0; i < tokens.length; i++) {
    const w = word(tokens[i]);
    if (w === '(') { inList.push(false); continue; }
    if (w === ')') { if (inList.length > 1) inList.pop(); continue; }
    if (w === 'SELECT') inList[inList.length - 1] = true;
    else if (LIST_END.has(w)) inList[inList.length - 1] = false;
    if (w !== 'CONNECTION_ID' || word(tokens[i + 1]) !== '(' || word(tokens[i + 2]) !== ')') continue;
    const start = tokens[i].offset;
    const end = tokens[i + 2].offset + 1;
    const prev = word(tokens[i - 1]);
    const next = word(tokens[i + 3]);
    const wholeItem = inList[inList.length - 1] && (prev === ',' || LIST_START.has(prev)) && (next === '' || ITEM_END.has(next));
    const text = sql.slice(start, end);
    out += sql.slice(copied, start) + (wholeItem ? `${id} AS \`${text.replace(/`/g, '``')}\`` : String(id));
    copied = end;
    i += 2;
  }
  return copied === 0 ? sql : out + sql.slice(copied);
}
