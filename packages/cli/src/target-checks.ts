/**
 * The checks `vault compile` runs after analysis: the framework profile is read and checked,
 * and each target's emitter says what it cannot emit. `vault check` runs them too (for every
 * target), so a spec check accepts is a spec compile accepts.
 */
import type { Diagnostic, VaultModel } from '@vault/core';
import { resolveDiagnostics, type ParsedSpec } from '@vault/dsl/internal';
import { DEFAULT_PROFILE, type FrameworkProfile } from '@vault/emitters';
import { targetProblems, type Target } from './targets.js';

export interface TargetChecks {
  /** The framework profile, when it could be read and is valid. */
  readonly profile: FrameworkProfile | undefined;
  /** Problems with the profile, then what the targets cannot emit (at the entity, table or setting concerned). */
  readonly diagnostics: ReadonlyArray<Diagnostic>;
}

/** `specPath` is undefined for the compact source-table string, which has no profile. */
export async function checkTargets(parsed: ParsedSpec, model: VaultModel, specPath: string | undefined, targets: ReadonlySet<Target>): Promise<TargetChecks> {
  // The profile reader compiles a JSON Schema with ajv: loaded only for specs that name a profile.
  const named = parsed.spec?.framework?.profile !== undefined && specPath !== undefined;
  const loaded = named ? (await import('./profile.js')).loadProfile(parsed, specPath) : { profile: DEFAULT_PROFILE, diagnostics: [] };
  if (loaded.profile === undefined) return loaded;
  const problems = targetProblems(model, targets, loaded.profile);
  return { profile: loaded.profile, diagnostics: [...loaded.diagnostics, ...resolveDiagnostics(parsed.source, problems)] };
}
