/** The ghost ("unknown") record's placeholder of each column type, in Spark SQL. */
import type { ColumnType } from '@vault/core/internal';
import { ghostText } from '../ghost-text.js';
import { quoteLiteral } from './quote.js';
import { sparkType } from './types.js';

/**
 * The shared placeholders (../ghost-text.ts, `ghostText`), but the instant spelled with `Z`,
 * Spark's input syntax for it. Types Spark stores as STRING (time, interval, json: refused in user columns, VLT440)
 * keep the shared text.
 */
const SPARK_GHOST_TIMESTAMPTZ = '0001-01-01 00:00:00Z';

/**
 * `CAST('<placeholder>' AS <type>)`.
 * @example ghostValue({ kind: 'timestamptz' }) // "CAST('0001-01-01 00:00:00Z' AS TIMESTAMP)"
 */
export function ghostValue(t: ColumnType): string {
  return `CAST(${quoteLiteral(t.kind === 'timestamptz' ? SPARK_GHOST_TIMESTAMPTZ : ghostText(t))} AS ${sparkType(t)})`;
}
