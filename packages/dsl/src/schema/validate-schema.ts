import type { ErrorObject } from 'ajv';
import { pathDiag, type PathDiagnostic, type Spec } from '@vault/core/internal';
import { pointerToPath, schemaDiagnostics } from './schema-errors.js';
import { validate as generated } from './spec-validator.generated.js';

/** The ajv-compiled validator, generated ahead of time (scripts/build-spec-validator.mjs). */
const validate = generated as unknown as ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** Checks the shape of a parsed spec against the JSON Schema. */
export function validateSpecShape(data: unknown): { readonly spec: Spec | undefined; readonly diagnostics: PathDiagnostic[] } {
  if (validate(data)) return { spec: data as Spec, diagnostics: [] };
  const errors = validate.errors ?? [];
  const diagnostics = schemaDiagnostics(errors, data);
  // Never refuse a spec without saying why: should the wording drop every error, report the first.
  if (diagnostics.length === 0) diagnostics.push(pathDiag('VLT106', pointerToPath(errors[0]?.instancePath ?? ''), `the value here ${errors[0]?.message ?? 'is not valid'}`));
  return { spec: undefined, diagnostics };
}
