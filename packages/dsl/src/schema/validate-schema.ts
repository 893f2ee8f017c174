import { Ajv, type ValidateFunction } from 'ajv';
import type { PathDiagnostic, Spec } from '@vault/core';
import { schemaDiagnostics } from './schema-errors.js';
import { SPEC_SCHEMA } from './spec-schema.js';

let compiled: ValidateFunction | undefined;

/** Checks the shape of a parsed spec against the JSON Schema; compiled once, on first use. */
export function validateSpecShape(data: unknown): { readonly spec: Spec | undefined; readonly diagnostics: PathDiagnostic[] } {
  compiled ??= new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true }).compile(SPEC_SCHEMA);
  if (compiled(data)) return { spec: data as Spec, diagnostics: [] };
  return { spec: undefined, diagnostics: schemaDiagnostics(compiled.errors ?? [], data) };
}
