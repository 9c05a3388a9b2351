// CONNECTION_ID() is the sluice session id (the id in sluice's handshake), not the id of whichever
// backend connection runs the statement: each call is replaced by the id as a literal before the
// statement goes anywhere, which keeps everything around it exact. MariaDB names a select list item
// without an alias by its text as written, so an item that contained a call gets that text as alias.
import { tokenize, type Token } from '../sql';

/** Keywords that end a select list at its own parenthesis depth. */
const LIST_END = new Set(['FROM', 'INTO', 'WHERE', 'GROUP', 'HAVING', 'ORDER', 'LIMIT', 'WINDOW', 'FOR', 'LOCK',
  'UNION', 'EXCEPT', 'INTERSECT', ';']);
/** Keywords after which a last word is an alias, as after a value (`CASE … END alias`). */
const VALUE_KEYWORDS = new Set(['END', 'NULL', 'TRUE', 'FALSE']);

/** A select list item: tokens [from, to). */
interface Item {
  from: number;
  to: number;
}

/** `sql` with every CONNECTION_ID() call outside strings and comments replaced by `id` (sql itself when there is none). */
export function spliceConnectionId(sql: string, id: number): string {
  const t = tokenize(sql).filter((x) => x.type !== 'ws' && x.type !== 'comment');
  const calls: number[] = [];
  for (let i = 0; i + 2 < t.length; i++) {
    if (word(t[i]) === 'CONNECTION_ID' && t[i + 1].text === '(' && t[i + 2].text === ')') calls.push(i);
  }
  if (calls.length === 0) return sql;
  // Edits on the original text: each call becomes the id; an item holding one gets ` AS `text``.
  const edits: { at: number; end: number; text: string }[] = calls.map((i) => ({ at: t[i].offset, end: t[i + 2].offset + 1, text: String(id) }));
  for (const item of selectItems(t)) {
    if (!calls.some((i) => i >= item.from && i < item.to) || hasAlias(t, item)) continue;
    const start = t[item.from].offset;
    const last = t[item.to - 1];
    const end = last.offset + last.text.length;
    edits.push({ at: end, end, text: ` AS \`${sql.slice(start, end).replace(/`/g, '``')}\`` });
  }
  edits.sort((a, b) => a.at - b.at || a.end - b.end);
  let out = '';
  let copied = 0;
  for (const e of edits) {
    out += sql.slice(copied, e.at) + e.text;
    copied = e.end;
  }
  return out + sql.slice(copied);
}

/** A token's text upper-cased for comparison; strings and quoted names never equal a word. */
function word(t: Token | undefined): string {
  return t === undefined ? '' : t.type === 'string' || t.type === 'quotedIdent' ? '\0' : t.text.toUpperCase();
}

/** The items of every select list in the statement, subqueries' included. */
function selectItems(t: Token[]): Item[] {
  const items: Item[] = [];
  // Per open parenthesis level: the start of the current item when that level is in a select list.
  const open: (number | null)[] = [null];
  const close = (end: number) => {
    const from = open[open.length - 1];
    if (from !== null && end > from) items.push({ from, to: end });
  };
  for (let i = 0; i < t.length; i++) {
    const w = word(t[i]);
    const top = open.length - 1;
    if (w === '(') open.push(null);
    else if (w === ')') {
      close(i);
      if (top > 0) open.pop();
    } else if (w === 'SELECT') open[top] = i + 1;
    else if (open[top] !== null && w === ',') {
      close(i);
      open[top] = i + 1;
    } else if (open[top] !== null && LIST_END.has(w)) {
      close(i);
      open[top] = null;
    } else if (open[top] !== null && open[top] === i && /^(ALL|DISTINCT|DISTINCTROW|HIGH_PRIORITY|STRAIGHT_JOIN|SQL_\w+)$/.test(w)) {
      open[top] = i + 1; // a modifier before the first item
    }
  }
  close(t.length);
  return items;
}

/** Whether the item names its column: `expr AS name`, or `expr name` (a name right after a value). */
function hasAlias(t: Token[], item: Item): boolean {
  let depth = 0;
  for (let i = item.from; i < item.to; i++) {
    const w = word(t[i]);
    if (w === '(') depth++;
    else if (w === ')') depth--;
    else if (depth === 0 && w === 'AS') return true;
  }
  if (item.to - item.from < 2) return false;
  const last = t[item.to - 1];
  const prev = t[item.to - 2];
  if (last.type !== 'ident' && last.type !== 'quotedIdent' && last.type !== 'string') return false;
  if (prev.type === 'op') return prev.text === ')';
  return prev.type !== 'keyword' || VALUE_KEYWORDS.has(word(prev));
}
