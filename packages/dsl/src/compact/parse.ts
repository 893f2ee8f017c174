/**
 * `parseSourceTables`: the compact source-table string (`--source-tables`) → a `Spec`, with positions.
 *
 *   tables := table (';' table)* ';'?
 *
 * The driver splits the token stream at ';' and parses each table on its own. A ';' cannot
 * occur inside a table, so the split is exact, and it gives error recovery for free: one
 * error per table, never a cascade from one table into the next.
 */
import type { ILexingError, IToken } from 'chevrotain';
import type { ColumnSpec, Spec, TableSpec } from '@vault/core';
import { compactGrammar, isEndToken, Semicolon, type TableNode } from './grammar.js';
import { compactPathKey, type CompactDuplicate, type CompactError, type CompactNodeRange, type CompactParse, type CompactRange } from './types.js';

interface TableGroup {
  readonly tokens: IToken[];
  /** Offsets of the table's text: after the previous ';', up to its own ';' or the end. */
  readonly start: number;
  readonly end: number;
  /** Whether a ';' ends it. */
  readonly terminated: boolean;
}

/**
 * Parses `orders:order_id(int),amount(decimal(18,2));customers:...`. Never throws. Types are
 * kept as written, whitespace runs collapsed to one space; core's `parseColumnType` checks them.
 *
 * @example
 * parseSourceTables('orders:order_id(int),amount(decimal(18,2))', { model: 'shop' }).spec
 * // { version: 1, model: 'shop', tables: { orders: { columns: { order_id: 'int', amount: 'decimal(18,2)' } } } }
 */
export function parseSourceTables(text: string, options: { readonly model: string; readonly description?: string }): CompactParse {
  const grammar = compactGrammar();
  const lexed = grammar.tokenize(text);
  const errors: CompactError[] = lexed.errors.map((e) => lexError(text, e));
  const tables: TableNode[] = [];
  const groups = splitTables(lexed.tokens, text.length);
  groups.forEach((group, i) => {
    // A stray character usually breaks the table's structure too: report it alone.
    if (lexed.errors.some((e) => e.offset >= group.start && e.offset < group.end)) return;
    if (group.tokens.length === 0 && !group.terminated && i > 0) return; // after a trailing ';'
    const parsed = grammar.parseTable(group.tokens, group.terminated ? "';'" : 'the end of the input');
    if ('table' in parsed) tables.push(parsed.table);
    else errors.push(syntaxError(group, parsed.error.token, parsed.error.message));
  });
  errors.sort((a, b) => a.offset - b.offset);

  const { specTables, positions, duplicates } = assemble(text, tables);
  const spec: Spec | undefined =
    errors.length > 0 ? undefined : { version: 1, model: options.model, ...(options.description === undefined ? {} : { description: options.description }), tables: specTables };
  return { spec, errors, duplicates, positions };
}

function splitTables(tokens: ReadonlyArray<IToken>, length: number): TableGroup[] {
  const groups: TableGroup[] = [];
  let current: IToken[] = [];
  let start = 0;
  for (const t of tokens) {
    if (t.tokenType !== Semicolon) {
      current.push(t);
      continue;
    }
    groups.push({ tokens: current, start, end: t.startOffset, terminated: true });
    current = [];
    start = t.startOffset + 1;
  }
  groups.push({ tokens: current, start, end: length, terminated: false });
  return groups;
}

const range = (r: CompactRange): CompactRange => ({ start: r.start, end: r.end });

function syntaxError(group: TableGroup, token: IToken, message: string): CompactError {
  if (!isEndToken(token)) return { offset: token.startOffset, length: token.image.length, message };
  return group.terminated ? { offset: group.end, length: 1, message } : { offset: group.end, length: 0, message };
}

function lexError(text: string, e: ILexingError): CompactError {
  const found = text.slice(e.offset, e.offset + e.length);
  return { offset: e.offset, length: e.length, message: `expected a name, ':', ',', ';', '(' or ')' but found '${found}'` };
}

/** Builds the spec's tables (first occurrence wins), the positions, and the duplicates. */
function assemble(text: string, tables: ReadonlyArray<TableNode>) {
  const positions = new Map<string, CompactNodeRange>();
  const duplicates: CompactDuplicate[] = [];
  const specTables: Array<[string, TableSpec]> = [];
  const seenTables = new Set<string>();
  for (const table of tables) {
    const tablePath = ['tables', table.name.text];
    if (seenTables.has(table.name.text)) {
      duplicates.push({ path: tablePath, offset: table.name.start, length: table.name.end - table.name.start });
      continue;
    }
    seenTables.add(table.name.text);
    const firstColumn = table.columns[0];
    const lastColumn = table.columns.at(-1);
    const columnsEnd = lastColumn?.end ?? table.name.end;
    positions.set(compactPathKey(tablePath), { key: range(table.name), value: { start: table.name.start, end: columnsEnd } });
    positions.set(compactPathKey([...tablePath, 'columns']), { value: { start: firstColumn?.name.start ?? table.name.end, end: columnsEnd } });

    const columns: Array<[string, ColumnSpec]> = [];
    const seenColumns = new Set<string>();
    for (const column of table.columns) {
      const columnPath = [...tablePath, 'columns', column.name.text];
      if (seenColumns.has(column.name.text)) {
        duplicates.push({ path: columnPath, offset: column.name.start, length: column.name.end - column.name.start });
        continue;
      }
      seenColumns.add(column.name.text);
      columns.push([column.name.text, text.slice(column.type.start, column.type.end).replace(/\s+/g, ' ')]);
      positions.set(compactPathKey(columnPath), { key: range(column.name), value: column.type });
      positions.set(compactPathKey([...columnPath, 'type']), { value: column.type });
    }
    // fromEntries defines own properties, so a table named `__proto__` stays a table.
    specTables.push([table.name.text, { columns: Object.fromEntries(columns) }]);
  }
  return { specTables: Object.fromEntries(specTables), positions, duplicates };
}
