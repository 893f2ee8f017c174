/**
 * How a validation is shown: one table per check (a row per source table), or JSON for tools.
 */
import type { Diagnostic } from '@vault/core';
import { bold, diagnosticsJson, green, red, yellow, type Output } from '../output.js';
import { catalogKey } from './catalog.js';
import type { CheckName, Finding } from './checks.js';
import type { Validation } from './validate.js';

export type Status = 'ok' | 'warning' | 'error' | 'skipped';

export interface Row {
  /** A source table, or `schema NAME` for what concerns the whole schema. */
  readonly subject: string;
  readonly status: Status;
  /** What passed, or why the row was skipped. */
  readonly detail?: string;
  readonly diagnostics: ReadonlyArray<Diagnostic>;
}

/** Rows per check; `resolved` pairs each finding with its diagnostic resolved to file:line:col. */
export function checkRows(v: Validation, resolved: ReadonlyMap<Finding, Diagnostic>): ReadonlyMap<CheckName, ReadonlyArray<Row>> {
  const rows = new Map<CheckName, Row[]>();
  for (const check of v.checks) {
    const mine = v.findings.filter((f) => f.check === check);
    const list: Row[] = [];
    const schemaLevel = mine.filter((f) => f.table === undefined);
    if (schemaLevel.length > 0) list.push(row(`schema ${v.catalog.schema}`, schemaLevel, resolved));
    for (const table of v.tables) {
      const found = mine.filter((f) => f.table === table);
      const detail = v.passed.get(check)?.get(table);
      if (found.length > 0) list.push(row(table, found, resolved));
      else if (detail !== undefined) list.push({ subject: table, status: 'ok', detail, diagnostics: [] });
      else list.push({ subject: table, status: 'skipped', detail: skippedBecause(v, table), diagnostics: [] });
    }
    rows.set(check, list);
  }
  return rows;
}

function row(subject: string, findings: ReadonlyArray<Finding>, resolved: ReadonlyMap<Finding, Diagnostic>): Row {
  const diagnostics = findings.map((f) => resolved.get(f)).filter((d): d is Diagnostic => d !== undefined);
  return { subject, status: diagnostics.some((d) => d.severity === 'error') ? 'error' : 'warning', diagnostics };
}

function skippedBecause(v: Validation, table: string): string {
  if (!v.catalog.exists) return 'skipped: the landing schema does not exist';
  if (!v.catalog.tables.has(catalogKey(v.catalog, table))) return 'skipped: the table does not exist';
  return 'skipped: an earlier check failed';
}

const MARK = { ok: '✓', warning: '!', error: '✗', skipped: '-' } as const satisfies Record<Status, string>;

export function printRows(o: Output, rows: ReadonlyMap<CheckName, ReadonlyArray<Row>>): void {
  const paint = { ok: green, warning: yellow, error: red, skipped: (_: Output, s: string) => s } as const satisfies Record<Status, (o: Output, s: string) => string>;
  const width = Math.max(0, ...[...rows.values()].flat().map((r) => r.subject.length));
  for (const [check, list] of rows) {
    o.out(bold(o, check));
    for (const r of list) {
      const head = `  ${paint[r.status](o, MARK[r.status])} ${r.subject.padEnd(width)}  `;
      if (r.diagnostics.length === 0) o.out(`${head}${r.detail ?? ''}`);
      for (const [i, d] of r.diagnostics.entries()) {
        const text = `${d.code} ${d.message} (${d.span.file}:${d.span.start.line}:${d.span.start.col})`;
        o.out(i === 0 ? `${head}${text}` : `${' '.repeat(width + 6)}${text}`);
      }
    }
  }
}

export function rowsJson(rows: ReadonlyMap<CheckName, ReadonlyArray<Row>>): Record<string, unknown> {
  return Object.fromEntries(
    [...rows].map(([check, list]) => [
      check,
      list.map((r) => ({ subject: r.subject, status: r.status, ...(r.detail !== undefined ? { detail: r.detail } : {}), diagnostics: diagnosticsJson(r.diagnostics) })),
    ]),
  );
}
