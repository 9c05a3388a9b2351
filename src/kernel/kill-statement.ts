// The KILL statement, which sluice answers itself: its ids are sluice session ids, never a backend's.
// MariaDB's grammar: KILL [HARD | SOFT] [CONNECTION | QUERY [ID]] {id | USER name}.
import { tokenize } from '../sql';
import { SqlError, ErrorCode } from '../protocol/errors';

/** What a KILL asks for: the running statement only (query) or the whole session, of session `id`. */
export interface KillStatement {
  query: boolean;
  /** A sluice session id, or 'self' for CONNECTION_ID(). */
  id: number | 'self';
}

/** Parses a KILL statement (`sql` starts with KILL), or throws the SqlError to answer it with. */
export function parseKill(sql: string): KillStatement {
  const words = tokenize(sql).filter((t) => t.type !== 'ws' && t.type !== 'comment' && t.text !== ';').map((t) => t.text.toUpperCase());
  let i = 1; // past KILL
  if (words[i] === 'HARD' || words[i] === 'SOFT') i++; // sluice stops a statement one way either way
  let query = false;
  if (words[i] === 'CONNECTION') i++;
  else if (words[i] === 'QUERY') {
    query = true;
    i++;
    if (words[i] === 'ID') throw notSupported('KILL QUERY ID (by query id)', 'KILL QUERY <session id>');
  }
  if (words[i] === 'USER') throw notSupported('KILL USER', 'KILL <session id> for each session SHOW PROCESSLIST lists');
  const rest = words.slice(i);
  if (rest.length === 1 && /^[0-9]+$/.test(rest[0])) return { query, id: Number(rest[0]) };
  if (rest.length === 3 && rest[0] === 'CONNECTION_ID' && rest[1] === '(' && rest[2] === ')') return { query, id: 'self' };
  throw new SqlError(ErrorCode.ER_PARSE_ERROR,
    `You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near '${rest.join(' ').slice(0, 80)}' at line 1: ` +
    'sluice takes KILL [HARD|SOFT] [CONNECTION|QUERY] followed by a session id or CONNECTION_ID()');
}

function notSupported(what: string, instead: string): SqlError {
  return new SqlError(ErrorCode.ER_NOT_SUPPORTED_YET, `${what} is not supported by sluice; use ${instead}`);
}
