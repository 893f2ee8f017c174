/**
 * Compiling a spec body in the core scenario tests: the body is all but `version` and `model`,
 * and a test asserts the diagnostics it expects or that there are no errors.
 */
import { expect } from 'vitest';
import { compileSpec, type ColumnSpec, type PathDiagnostic, type Spec, type VaultModel } from '@vault/core';

export type SpecBody = Omit<Spec, 'version' | 'model'>;

export function compile(body: SpecBody): { model: VaultModel | undefined; diagnostics: ReadonlyArray<PathDiagnostic> } {
  return compileSpec({ version: 1, model: 'test', ...body });
}

/** The model of `body`, which must compile without errors. */
export function ok(body: SpecBody): VaultModel {
  const r = compile(body);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.model!;
}

/** A column that is never NULL. */
export const nn = (type: string): ColumnSpec => ({ type, nullable: false });

/** The diagnostics of `body` of one severity, as [code, path]. */
export const codes = (body: SpecBody, severity: 'error' | 'warning' = 'error'): Array<[string, ReadonlyArray<string | number>]> =>
  compile(body)
    .diagnostics.filter((d) => d.severity === severity)
    .map((d) => [d.code, d.path]);

/** The errors of `body`, as [code, path]. */
export const errors = (body: SpecBody): Array<[string, ReadonlyArray<string | number>]> => codes(body, 'error');

/** The rules of an entity's evidence, in order. */
export const rules = (e: { readonly evidence: ReadonlyArray<{ readonly rule: string }> }): string[] => e.evidence.map((x) => x.rule);
