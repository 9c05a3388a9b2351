// A one-pass byte scanner that tells a forwarding session what it must know about a statement
// before relaying it: its first keyword and whether it binds the session to its backend connection.
// It reads the COM_QUERY payload in place (no string is made) and stops early where it can; the
// full parser (src/sql) is for routing and rewriting, this is the forwarding fast path.

/** The statement's leading keyword, as far as forwarding cares. */
export const enum Verb {
  Other,
  Select,
  Insert,
  Update,
  Delete,
  Replace,
  Set,
  Use,
  Begin,
  Start,
  Commit,
  Rollback,
  Lock,
  Unlock,
  Create,
  Prepare,
  Deallocate,
  Handler,
  Xa,
  Kill,
}

/** Facts found in the statement text. */
export const enum Trait {
  /** Session state a pooled connection can't restore (temp tables, locks, user variables, SQL
   *  prepared statements, FOUND_ROWS, HANDLER): keep the backend connection from now on. */
  Pin = 0x1,
  /** UNLOCK TABLES / RELEASE_ALL_LOCKS: the matching lock pin may end. */
  Unlock = 0x2,
  /** Reads the previous statement's outcome (LAST_INSERT_ID(), ROW_COUNT(), FOUND_ROWS()). */
  NeedsLastConnection = 0x4,
  /** SET of session variables that sluice records and replays on other connections. */
  SessionSet = 0x8,
  /** SET GLOBAL / SET PERSIST: forwarded, not recorded. */
  GlobalSet = 0x10,
  /** More than one statement in the packet. */
  Multi = 0x20,
  /** Names CONNECTION_ID or PROCESSLIST, which sluice answers with its own session ids (ClientSession.sessionIds). */
  SessionInfo = 0x40,
  /** A qualified name (x.y), a file function (LOAD_FILE, INTO OUTFILE/DUMPFILE) or a backslash in a string: the access check reads the statement (access.ts). */
  Access = 0x80,
  /** Calls USER(), CURRENT_USER, SESSION_USER(), SYSTEM_USER() or DATABASE(): sluice puts in the
   *  sluice user and the logical schema. */
  Identity = 0x100,
  /** Names INFORMATION_SCHEMA: sluice narrows it to the user's schemas, in logical names. */
  InfoSchema = 0x200,
}

export interface Classified {
  verb: Verb;
  traits: number;
  /** For SessionSet: lower-cased names of the variables assigned (e.g. "names", "sql_mode"). */
  setNames: string[] | null;
}

const VERBS: Record<string, Verb> = {
  SELECT: Verb.Select, INSERT: Verb.Insert, UPDATE: Verb.Update, DELETE: Verb.Delete, REPLACE: Verb.Replace,
  SET: Verb.Set, USE: Verb.Use, BEGIN: Verb.Begin, START: Verb.Start, COMMIT: Verb.Commit, ROLLBACK: Verb.Rollback,
  LOCK: Verb.Lock, UNLOCK: Verb.Unlock, CREATE: Verb.Create, PREPARE: Verb.Prepare, DEALLOCATE: Verb.Deallocate,
  HANDLER: Verb.Handler, XA: Verb.Xa, KILL: Verb.Kill, WITH: Verb.Select, VALUES: Verb.Select, TABLE: Verb.Select,
};

/** VERBS by word length, as byte arrays, so the first word is matched without making a string. */
const VERBS_BY_LENGTH: [Buffer, Verb][][] = [];
for (const [word, v] of Object.entries(VERBS)) (VERBS_BY_LENGTH[word.length] ??= []).push([Buffer.from(word, 'latin1'), v]);

/** The verb of the word in buf[start, end), compared case-insensitively (ASCII). */
function verbAt(buf: Buffer, start: number, end: number): Verb {
  const candidates = VERBS_BY_LENGTH[end - start];
  if (!candidates) return Verb.Other;
  outer: for (const [word, v] of candidates) {
    for (let k = 0; k < word.length; k++) {
      const c = buf[start + k];
      if ((c >= 0x61 && c <= 0x7a ? c - 0x20 : c) !== word[k]) continue outer;
    }
    return v;
  }
  return Verb.Other;
}

/** Words that matter anywhere in a statement, upper-case. */
const PIN_WORDS = new Set(['TEMPORARY', 'GET_LOCK', 'SQL_CALC_FOUND_ROWS']);
const LAST_CONN_WORDS = new Set(['LAST_INSERT_ID', 'ROW_COUNT', 'FOUND_ROWS']);
const UNLOCK_WORDS = new Set(['RELEASE_ALL_LOCKS', 'RELEASE_LOCK']);
const SESSION_INFO_WORDS = new Set(['CONNECTION_ID', 'PROCESSLIST']);
const IDENTITY_WORDS = new Set(['CURRENT_USER', 'SESSION_USER', 'SYSTEM_USER']);
/** These count only as a call (`USER(`): CREATE USER, CREATE SCHEMA, a column named user are not. */
const IDENTITY_CALLS = new Set(['USER', 'DATABASE', 'SCHEMA']);

/**
 * The cheap filter before a word becomes a string: for each length, a bit per initial letter (A = bit
 * 0) of the words above of that length; CALLS for those that count only before `(`. Most words of a
 * statement fail it on two array reads.
 */
const WORDS = new Int32Array(32);
const CALLS = new Int32Array(32);
for (const w of [...PIN_WORDS, ...LAST_CONN_WORDS, ...UNLOCK_WORDS, ...SESSION_INFO_WORDS, ...IDENTITY_WORDS, 'INFORMATION_SCHEMA']) WORDS[w.length] |= 1 << (w.charCodeAt(0) - 0x41);
for (const w of IDENTITY_CALLS) CALLS[w.length] |= 1 << (w.charCodeAt(0) - 0x41);

/** Words that make the access check read a statement, by length (LOAD_FILE, OUTFILE, DUMPFILE). */
const ACCESS_WORDS: (Buffer | undefined)[] = [];
for (const w of ['LOAD_FILE', 'OUTFILE', 'DUMPFILE']) ACCESS_WORDS[w.length] = Buffer.from(w, 'latin1');

/** Whether buf[start, start + word.length) is `word` (upper case), compared case-insensitively (ASCII). */
function isWord(buf: Buffer, start: number, word: Buffer): boolean {
  for (let k = 0; k < word.length; k++) {
    const c = buf[start + k];
    if ((c >= 0x61 && c <= 0x7a ? c - 0x20 : c) !== word[k]) return false;
  }
  return true;
}

const isWordByte = (c: number) =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x24 || c >= 0x80;

/**
 * Classifies the SQL in buf[start, end). Words are compared upper-cased; strings, quoted
 * identifiers and comments are skipped (executable comments /*! … *\/ are read as SQL).
 */
export function classify(buf: Buffer, start: number, end: number): Classified {
  let verb = Verb.Other;
  let traits = 0;
  let words = 0;
  let setNames: string[] | null = null;
  let expectSetName = false; // in SET, at the start of an assignment
  let scoped = false; // in SET, the last word was SESSION or LOCAL
  let transactionWords = false; // in SET SESSION TRANSACTION: ISOLATION LEVEL and READ ONLY/WRITE name what is set
  let lastWord = '';
  let depth = 0;
  let sawSemicolon = false;
  let named = false; // the last token was a name (a word that is no number, or a quoted one): a `.` after it qualifies
  let i = start;
  while (i < end) {
    const c = buf[i];
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) { i++; continue; }
    if (sawSemicolon) { traits |= Trait.Multi; sawSemicolon = false; }
    // comments
    if (c === 0x23 || (c === 0x2d && buf[i + 1] === 0x2d && (i + 2 >= end || buf[i + 2] <= 0x20))) {
      while (i < end && buf[i] !== 0x0a) i++;
      continue;
    }
    if (c === 0x2f && buf[i + 1] === 0x2a) {
      const bang = buf[i + 2] === 0x21 ? 3 : buf[i + 2] === 0x4d && buf[i + 3] === 0x21 ? 4 : 0; // /*! or MariaDB's /*M!
      if (bang) { // /*!NNNNN executable comment: its body is SQL
        i += bang;
        while (i < end && buf[i] >= 0x30 && buf[i] <= 0x39) i++;
        continue;
      }
      const close = buf.indexOf('*/', i + 2, 'latin1');
      i = close < 0 || close >= end ? end : close + 2;
      continue;
    }
    if (c === 0x2a && buf[i + 1] === 0x2f) { i += 2; continue; } // end of an executable comment
    // quoted strings and identifiers
    if (c === 0x27 || c === 0x22 || c === 0x60) {
      const q0 = i++;
      while (i < end) {
        const d = buf[i];
        if (d === 0x5c && c !== 0x60) { // under NO_BACKSLASH_ESCAPES the string ends sooner: the access check reads both ways
          traits |= Trait.Access;
          i += 2;
          continue;
        }
        if (d === c) {
          if (buf[i + 1] === c) { i += 2; continue; }
          break;
        }
        i++;
      }
      i++;
      named = true;
      if (c === 0x60 && verb === Verb.Set && expectSetName) (setNames ??= []).push(buf.toString('latin1', q0 + 1, i - 1).toLowerCase()); // SET `name`
      else if (c === 0x60 && i - q0 === 20 && buf.toString('latin1', q0 + 1, i - 1).toUpperCase() === 'INFORMATION_SCHEMA') traits |= Trait.InfoSchema;
      expectSetName = false;
      continue;
    }
    if (c === 0x40) { // @var or @@var
      named = false;
      const system = buf[i + 1] === 0x40;
      if (!system) {
        // A user variable being assigned (SET @x, SELECT … INTO @x, @x := …) can't be replayed.
        if (verb === Verb.Set && expectSetName) traits |= Trait.Pin;
        else {
          let j = i + 1;
          if (buf[j] === 0x60 || buf[j] === 0x27 || buf[j] === 0x22) j = Math.min(end, buf.indexOf(buf[j], j + 1) + 1 || end); // @`quoted name`
          else while (j < end && (isWordByte(buf[j]) || buf[j] === 0x2e)) j++;
          while (j < end && buf[j] === 0x20) j++;
          if (buf[j] === 0x3a && buf[j + 1] === 0x3d) traits |= Trait.Pin;
          else if (verb !== Verb.Set && precededByInto(buf, start, i)) traits |= Trait.Pin;
        }
      } else if (verb === Verb.Set && expectSetName) {
        // @@session.x / @@global.x / @@x
        i += 2;
        const w0 = i;
        while (i < end && (isWordByte(buf[i]) || buf[i] === 0x2e)) i++;
        const name = buf.toString('latin1', w0, i).toLowerCase();
        if (name.startsWith('global.') || name.startsWith('persist')) traits |= Trait.GlobalSet;
        else (setNames ??= []).push(name.replace(/^(session|local)\./, ''));
        expectSetName = false;
        continue;
      }
      i++;
      while (i < end && (isWordByte(buf[i]) || buf[i] === 0x40 || buf[i] === 0x2e)) i++;
      expectSetName = false;
      continue;
    }
    if (isWordByte(c)) {
      const w0 = i;
      while (i < end && isWordByte(buf[i])) i++;
      const len = i - w0;
      named = !(buf[w0] >= 0x30 && buf[w0] <= 0x39) || !allDigits(buf, w0, i);
      const access = ACCESS_WORDS[len];
      if (access !== undefined && isWord(buf, w0, access)) traits |= Trait.Access;
      const setName = verb === Verb.Set && expectSetName;
      // Cheap filter before making a string: a word after the first matters only with the length
      // and initial of a word of interest.
      if (words > 0 && !setName && !transactionWords) {
        const initial = 1 << ((buf[w0] & 0xdf) - 0x41);
        if (len >= 32 || !(WORDS[len] & initial || (CALLS[len] & initial && nextByte(buf, i, end) === 0x28))) continue;
      }
      if (words === 0) {
        words++;
        verb = verbAt(buf, w0, i);
        if (verb === Verb.Set) expectSetName = true;
        if (verb === Verb.Prepare || verb === Verb.Handler) traits |= Trait.Pin;
        if (verb === Verb.Unlock) traits |= Trait.Unlock;
        if (verb === Verb.Lock) traits |= Trait.Pin;
        continue;
      }
      words++;
      const word = buf.toString('latin1', w0, i).toUpperCase();
      if (setName) {
        const lw = word.toLowerCase();
        if (lw === 'global' || lw === 'persist' || lw === 'persist_only') { traits |= Trait.GlobalSet; continue; }
        if (lw === 'session' || lw === 'local') { scoped = true; continue; }
        if (lw === 'transaction') {
          // SET TRANSACTION without a scope sets the next transaction only (it stays with its connection);
          // SET SESSION TRANSACTION sets the session's isolation level and access mode, replayed like any SET.
          if (scoped) transactionWords = true;
          else traits |= Trait.Pin;
          expectSetName = false;
          continue;
        }
        scoped = false;
        (setNames ??= []).push(lw === 'character' ? 'names' : lw);
        expectSetName = false;
        continue;
      }
      if (transactionWords) {
        if (word === 'ISOLATION') (setNames ??= []).push('transaction_isolation');
        else if (word === 'READ' && lastWord !== 'LEVEL') (setNames ??= []).push('transaction_read_only');
        lastWord = word;
        continue;
      }
      if (PIN_WORDS.has(word)) traits |= Trait.Pin;
      else if (LAST_CONN_WORDS.has(word)) traits |= Trait.NeedsLastConnection;
      else if (UNLOCK_WORDS.has(word)) traits |= Trait.Unlock;
      else if (SESSION_INFO_WORDS.has(word)) traits |= Trait.SessionInfo;
      else if (IDENTITY_WORDS.has(word) || (IDENTITY_CALLS.has(word) && nextByte(buf, i, end) === 0x28)) traits |= Trait.Identity;
      else if (word === 'INFORMATION_SCHEMA') traits |= Trait.InfoSchema;
      continue;
    }
    if (c === 0x2e && named) traits |= Trait.Access;
    named = false;
    if (c === 0x28) depth++;
    else if (c === 0x29) depth--;
    else if (c === 0x2c && depth === 0 && verb === Verb.Set && !transactionWords) expectSetName = true; // SET SESSION TRANSACTION's commas list characteristics
    else if (c === 0x3b) sawSemicolon = true;
    i++;
  }
  if (verb === Verb.Set && !(traits & (Trait.Pin | Trait.GlobalSet)) && setNames) traits |= Trait.SessionSet;
  return { verb, traits, setNames };
}

/** Whether buf[start, end) is all digits (a number, not a name: MySQL names may start with a digit). */
function allDigits(buf: Buffer, start: number, end: number): boolean {
  for (let k = start; k < end; k++) if (buf[k] < 0x30 || buf[k] > 0x39) return false;
  return true;
}

/** The first byte at or after i that is not a blank (-1 at the end). */
function nextByte(buf: Buffer, i: number, end: number): number {
  while (i < end && (buf[i] === 0x20 || buf[i] === 0x0a || buf[i] === 0x0d || buf[i] === 0x09)) i++;
  return i < end ? buf[i] : -1;
}

/** Whether the word before position `at` (skipping spaces and commas of an INTO list) is INTO. */
function precededByInto(buf: Buffer, start: number, at: number): boolean {
  let j = at - 1;
  for (;;) {
    while (j >= start && (buf[j] === 0x20 || buf[j] === 0x0a || buf[j] === 0x09)) j--;
    if (j >= start && buf[j] === 0x2c) { // , @a, @b: walk back over the previous variable
      j--;
      while (j >= start && buf[j] === 0x20) j--;
      while (j >= start && (isWordByte(buf[j]) || buf[j] === 0x40)) j--;
      continue;
    }
    break;
  }
  return j >= start + 3 && buf.toString('latin1', j - 3, j + 1).toUpperCase() === 'INTO';
}
