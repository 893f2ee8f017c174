/**
 * The framework profile a spec names (`framework: { profile: FILE }`), validated with its own
 * JSON Schema and merged over the default profile (docs/querydsl.md, docs/profile.md).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import { pathDiag, severityOf, type Diagnostic } from '@vault/core/internal';
import { displayPath, parseYamlMapping, readFailure, resolveDiagnostics, schemaDiagnostics, type ParsedSpec } from '@vault/dsl/internal';
import { checkProfile, DEFAULT_PROFILE, mergeProfile, PROFILE_SCHEMA, type FrameworkProfile, type FrameworkProfileOverrides } from '@vault/emitters';

export interface LoadedProfile {
  readonly profile: FrameworkProfile | undefined;
  readonly diagnostics: ReadonlyArray<Diagnostic>;
}

export function loadProfile(parsed: ParsedSpec, specPath: string | undefined): LoadedProfile {
  const relative = parsed.spec?.framework?.profile;
  if (relative === undefined || specPath === undefined) return { profile: DEFAULT_PROFILE, diagnostics: [] };
  const path = join(dirname(specPath), relative);
  const file = displayPath(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const reason = `${readFailure(e)}: ${file}`;
    return { profile: undefined, diagnostics: resolveDiagnostics(parsed.source, [pathDiag('VLT007', ['framework', 'profile'], `cannot read the framework profile: ${reason}`)]) };
  }
  const yaml = parseYamlMapping(text, file, 'the framework profile', 'module, names, enums and methods');
  if (yaml.data === undefined) return { profile: undefined, diagnostics: yaml.diagnostics };
  const validate = new Ajv({ allErrors: true, verbose: true, strict: false }).compile(PROFILE_SCHEMA);
  if (!validate(yaml.data)) return { profile: undefined, diagnostics: resolveDiagnostics(yaml.source, schemaDiagnostics(validate.errors ?? [], yaml.data, 'the framework profile')) };
  const profile = mergeProfile(yaml.data as FrameworkProfileOverrides);
  const problems = checkProfile(profile);
  if (problems.length > 0) {
    return { profile: undefined, diagnostics: problems.map((p) => ({ code: 'VLT007', severity: severityOf('VLT007'), message: p.message, span: yaml.source.span({ path: p.path }) })) };
  }
  return { profile, diagnostics: [] };
}
