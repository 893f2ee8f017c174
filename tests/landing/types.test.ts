import { printColumnType } from '@vault/core/internal';
import { describe, expect, it } from 'vitest';
import { databaseType } from '../../packages/cli/src/landing/types.js';

describe('databaseType: format_type spellings read into spec types', () => {
  it.each([
    ['character(5)', 'char(5)'],
    ['character varying(40)', 'varchar(40)'],
    // Unbounded blank-padded text (Northwind's keys): not the one-character `char`.
    ['bpchar', 'text'],
    ['timestamp(3) with time zone', 'timestamptz'],
    ['numeric(18,6)', 'decimal(18,6)'],
    // Its text follows the server's lc_monetary ($1,234.50): read as the number it holds.
    ['money', 'decimal'],
  ])('%s is %s', (formatted, spec) => {
    const t = databaseType(formatted);
    expect(t && printColumnType(t)).toBe(spec);
  });

  it('has no spec type for arrays', () => expect(databaseType('text[]')).toBeUndefined());
});
