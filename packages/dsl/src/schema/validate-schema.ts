import type { ErrorObject } from 'ajv';
import type { PathDiagnostic, Spec } from '@vault/core';
import { schemaDiagnostics } from './schema-errors.js';
import { validate as generated } from './spec-validator.generated.js';

/** The ajv-compiled validator, generated ahead of time (scripts/build-spec-validator.mjs). */
const validate = generated as unknown as ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** Checks the shape of a parsed spec against the JSON Schema. */
export function validateSpecShape(data: unknown): { readonly spec: Spec | undefined; readonly diagnostics: PathDiagnostic[] } {
  if (validate(data)) return { spec: data as Spec, diagnostics: [] };
  return { spec: undefined, diagnostics: schemaDiagnostics(validate.errors ?? [], data) };
}
