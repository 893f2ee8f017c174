/**
 * `deletes:` of a table (docs/spec.md, "Deletes"): the column it names must exist (VLT213) and
 * fit (VLT231): a delete flag is boolean, an operation column text; neither may be part of the
 * table's business key or its delta order, and an operation column, which is technical, may not
 * be listed in a satellite.
 */
import type { PathDiagnostic, SpecPath } from '../diagnostics/diagnostic.js';
import { pathDiag } from '../diagnostics/make.js';
import { closest } from '../diagnostics/did-you-mean.js';
import type { ColumnTypeResult } from './column-type.js';
import { columnSpecObject, satelliteColumns, type TableSpec } from './spec.js';

const TEXT_KINDS: ReadonlySet<string> = new Set(['text', 'varchar', 'char']);

export function checkDeletes(tableName: string, table: TableSpec, base: SpecPath, parseType: (text: string) => ColumnTypeResult, out: PathDiagnostic[]): void {
  const spec = table.deletes;
  if (spec === undefined || spec === 'none') return;
  const isFlag = 'flag' in spec;
  const column = isFlag ? spec.flag : spec.operation;
  const path = [...base, 'deletes', isFlag ? 'flag' : 'operation'];
  const what = isFlag ? 'deletes flag' : 'deletes operation';
  const spelled = table.columns[column];
  if (spelled === undefined) {
    const near = closest(column, Object.keys(table.columns));
    out.push(pathDiag('VLT213', path, `${what} names column '${column}', which table '${tableName}' does not have${near === undefined ? '' : `; did you mean '${near}'?`}`));
    return;
  }
  const parsed = parseType(columnSpecObject(spelled).type);
  if (parsed.ok && isFlag && parsed.type.kind !== 'boolean') {
    out.push(
      pathDiag(
        'VLT231',
        path,
        `deletes flag names column '${column}', a ${parsed.type.kind} column; a delete flag is boolean (true = deleted): name an operation column with { operation, delete_values } instead`,
      ),
    );
  }
  if (parsed.ok && !isFlag && !TEXT_KINDS.has(parsed.type.kind)) {
    out.push(pathDiag('VLT231', path, `deletes operation names column '${column}', a ${parsed.type.kind} column; an operation column holds text codes (I, U, D)`));
  }
  if ((table.business_key ?? table.primary_key ?? []).includes(column) || table.delta_order === column) {
    out.push(pathDiag('VLT231', path, `${what} names column '${column}', which identifies or orders the table's rows; a delete marker is a column of its own`));
  }
  if (!isFlag) {
    for (const [satName, cols] of Object.entries(table.satellites ?? {})) {
      if (satelliteColumns(cols).includes(column)) {
        out.push(pathDiag('VLT231', path, `deletes operation names column '${column}', which satellite '${satName}' lists; an operation column is technical and kept out of satellites`));
      }
    }
  }
}
