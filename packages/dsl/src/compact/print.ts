import { columnSpecObject, type Spec } from '@vault/core/internal';

/**
 * The canonical compact string of a spec's tables: no spaces, types as written in the spec.
 * The inverse of `parseSourceTables` for specs whose names are identifiers and whose tables
 * have columns; everything else in the spec (keys, references, ...) has no compact form.
 *
 * @example
 * printSourceTables({ version: 1, model: 'shop', tables: { orders: { columns: { order_id: 'int', amount: { type: 'decimal(18,2)' } } } } })
 * // 'orders:order_id(int),amount(decimal(18,2))'
 */
export function printSourceTables(spec: Spec): string {
  return Object.entries(spec.tables)
    .map(([table, { columns }]) => {
      const list = Object.entries(columns).map(([column, c]) => `${column}(${columnSpecObject(c).type})`);
      return `${table}:${list.join(',')}`;
    })
    .join(';');
}
