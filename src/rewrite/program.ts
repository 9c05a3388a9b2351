// Rewriting by splicing: a statement's template text becomes a small program of pieces, rendered
// once per route unit. Text between edits is copied as written (comments and hints survive); edits
// replace spans of the template: a slot by its value's text, a table name by its physical name, an
// IN list or VALUES list by the items that belong to the unit, a LIMIT by the widened one.
//
// Programs are built once per template (and cached with the plan); render() runs per execution.

/** One piece of a program. */
export type Op =
  | string
  /** The text of template slot i (a literal as written or a bound parameter as a literal). */
  | { slot: number }
  /** A sharded table's physical name for the unit: `base` or `base_{table index}`, back-quoted if `quoted`. */
  | { table: string; quoted: boolean }
  /** The items of list `list` that belong to the unit (all of them if none does), joined by ", ". */
  | { list: number; items: Op[][] }
  /** A piece computed per execution (LIMIT widening, generated keys): RenderContext.computed(id). */
  | { computed: string }
  /** The rendered ops back-quoted as one identifier (a column alias naming an item as the client wrote it). */
  | { ident: Op[] };

/** What render() needs to know about the unit being rendered. */
export interface RenderContext {
  slotText(i: number): string;
  /** Physical table index of the unit (0 … N-1) and N. */
  tableIndex: number;
  tablesPerPartition: number;
  /** Does item `item` of list `list` belong to this unit? */
  keeps(list: number, item: number): boolean;
  computed(id: string): string;
}

/** Render a program for one unit. */
export function render(ops: readonly Op[], ctx: RenderContext): string {
  let out = '';
  for (const op of ops) {
    if (typeof op === 'string') out += op;
    else if ('slot' in op) out += ctx.slotText(op.slot);
    else if ('table' in op) {
      const name = ctx.tablesPerPartition > 1 ? `${op.table}_${ctx.tableIndex}` : op.table;
      out += op.quoted ? '`' + name.replace(/`/g, '``') + '`' : name;
    } else if ('list' in op) {
      let kept = 0;
      let part = '';
      for (let i = 0; i < op.items.length; i++) {
        if (!ctx.keeps(op.list, i)) continue;
        part += (kept++ > 0 ? ', ' : '') + render(op.items[i], ctx);
      }
      out += kept > 0 ? part : op.items.map((item) => render(item, ctx)).join(', ');
    } else if ('ident' in op) out += '`' + render(op.ident, ctx).replace(/`/g, '``') + '`';
    else out += ctx.computed(op.computed);
  }
  return out;
}

/** A replacement of template[start, end) (start === end: an insertion). */
export interface Edit {
  start: number;
  end: number;
  ops: Op[];
}

/**
 * Builds programs over one template text from its atomic edits (slots, table and column renames),
 * which may not overlap. Structural edits (lists, LIMIT, added columns) are laid over with compose().
 */
export class Splicer {
  private readonly edits: Edit[];

  constructor(
    readonly text: string,
    edits: Edit[],
  ) {
    this.edits = edits.slice().sort((a, b) => a.start - b.start || a.end - b.end);
  }

  /** The program for template[a, b) with the atomic edits inside it. */
  build(a: number, b: number): Op[] {
    const ops: Op[] = [];
    let pos = a;
    for (const e of this.edits) {
      if (e.start < a || e.end > b || e.start < pos) continue;
      if (e.start > pos) ops.push(this.text.slice(pos, e.start));
      ops.push(...e.ops);
      pos = e.end;
    }
    if (pos < b) ops.push(this.text.slice(pos, b));
    return merge(ops);
  }

  /**
   * The program for template[a, b) as the client wrote it: its slots' values, and no renames (the
   * text a server names an unaliased select item by).
   */
  asWritten(a: number, b: number): Op[] {
    return new Splicer(this.text, this.edits.filter((e) => e.ops.length === 1 && typeof e.ops[0] === 'object' && 'slot' in e.ops[0])).build(a, b);
  }

  /** The program for template[a, b) with structural edits (non-overlapping) laid over the atomic ones. */
  compose(a: number, b: number, structural: Edit[]): Op[] {
    const sorted = structural.slice().sort((x, y) => x.start - y.start || x.end - y.end);
    const ops: Op[] = [];
    let pos = a;
    for (const e of sorted) {
      if (e.start < pos) throw new Error(`BUG: overlapping rewrite edits at ${e.start}`);
      ops.push(...this.build(pos, e.start), ...e.ops);
      pos = e.end;
    }
    ops.push(...this.build(pos, b));
    return merge(ops);
  }
}

/** Adjacent strings joined (fewer pieces to render). */
function merge(ops: Op[]): Op[] {
  const out: Op[] = [];
  for (const op of ops) {
    if (op === '') continue;
    const last = out.length - 1;
    if (typeof op === 'string' && last >= 0 && typeof out[last] === 'string') out[last] = (out[last] as string) + op;
    else out.push(op);
  }
  return out;
}
