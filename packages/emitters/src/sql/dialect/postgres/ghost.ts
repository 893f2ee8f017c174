/** The ghost ("unknown") record's placeholder of each column type, in PostgreSQL. */
import type { ColumnType } from '@vault/core/internal';
import { GHOST_TEXT, ghostText } from '../ghost-text.js';
import { quoteLiteral } from './quote.js';
import { pgType } from './types.js';

/** The load timestamp of ghost records: the timestamptz placeholder, before any real load. */
export const GHOST_LOAD_TIMESTAMP = GHOST_TEXT.timestamptz;

/**
 * `CAST('<placeholder>' AS <type>)`.
 * @example ghostValue({ kind: 'interval' }) // "CAST('0 seconds' AS interval)"
 */
export function ghostValue(t: ColumnType): string {
  return `CAST(${quoteLiteral(ghostText(t))} AS ${pgType(t)})`;
}
