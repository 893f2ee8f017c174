/**
 * The framework profile a spec names (`framework: { profile: FILE }`), validated with its own
 * JSON Schema and merged over the default profile (docs/querydsl.md, docs/profile.md).
 */
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import { pathDiag, severityOf, type Diagnostic } from '@vault/core/internal';
import { displayPath, guardStack, limitDiagnostic, parseYamlMapping, readFailure, readTextBounded, resolveDiagnostics, schemaDiagnostics, type ParsedSpec } from '@vault/dsl/internal';
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
    const read = readTextBounded(path, 'the framework profile');
    if ('problem' in read) return { profile: undefined, diagnostics: [limitDiagnostic(read.problem, file)] };
    text = read.text;
  } catch (e) {
    const reason = `${readFailure(e)}: ${file}`;
    return { profile: undefined, diagnostics: resolveDiagnostics(parsed.source, [pathDiag('VLT007', ['framework', 'profile'], `cannot read the framework profile: ${reason}`)]) };
  }
  const what = 'the framework profile';
  const yaml = guardStack(
    () => parseYamlMapping(text, file, what, 'module, names, enums and methods'),
    (p) => ({ data: undefined, diagnostics: [limitDiagnostic(p, file)], source: parsed.source }),
    what,
  );
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
