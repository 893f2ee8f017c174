/**
 * spec → VaultModel. Pure: no files, no databases, no models. Explicit spec settings win over
 * inference; a setting that breaks a Data Vault rule is a diagnostic, never a silent fix.
 */
import type { PathDiagnostic } from '../diagnostics/diagnostic.js';
import { vaultModel } from '../ir/entities.js';
import type { Stage, VaultModel } from '../ir/model.js';
import { withHintBudget } from '../diagnostics/did-you-mean.js';
import { HASHING_DEFAULTS, SCHEMA_DEFAULTS, type Spec } from '../spec/spec.js';
import { validateReadSpec } from '../spec/validate-spec.js';
import { withoutUndefined } from '../spec/without-undefined.js';
import { validateConformance } from '../validate/conformance.js';
import { validatePipelineFlow } from '../validate/pipeline-flow.js';
import { buildAccessLayer } from './access-layer.js';
import { buildBusinessVault } from './business-vault.js';
import { sensitiveColumns } from './sensitive-columns.js';
import { layerEntities } from './layers.js';
import { findReferences } from './references.js';
import { buildRawVault } from './raw-vault.js';
import { analyseTables } from './tables.js';

export interface CompileOptions {
  /** The last stage to build: raw, business or access (default: access, the whole pipeline). */
  readonly stage?: Stage;
  /** The caller already ran `validateSpec` (the YAML and compact front ends do) and reported its findings. */
  readonly specValidated?: boolean;
}

export interface CompileResult {
  /** The model, when there is no error. */
  readonly model: VaultModel | undefined;
  readonly diagnostics: ReadonlyArray<PathDiagnostic>;
}

const STAGES: ReadonlyArray<Stage> = ['raw', 'business', 'access'];

/**
 * Compiles a spec to the vault IR. The spec must have the `Spec` type's shape: data that does
 * not come from TypeScript (parsed JSON, another tool) goes through `validateSpecShape` of
 * `@vault/dsl` first, which reports a wrong shape as diagnostics. An optional key whose value is
 * `undefined` counts as left out.
 * @example
 * const { model, diagnostics } = compileSpec(spec, { stage: 'access' });
 */
export function compileSpec(spec: Spec, options: CompileOptions = {}): CompileResult {
  // A parsed spec has no key set to undefined (JSON and YAML cannot say it); one built in code may.
  return withHintBudget(() => compileChecked(options.specValidated === true ? spec : withoutUndefined(spec), options));
}

function compileChecked(spec: Spec, options: CompileOptions): CompileResult {
  const diagnostics: PathDiagnostic[] = options.specValidated ? [] : validateReadSpec(spec);
  if (diagnostics.some((d) => d.severity === 'error')) return { model: undefined, diagnostics };
  const last = STAGES.indexOf(options.stage ?? 'access');
  const stages = STAGES.slice(0, last + 1);

  const tables = analyseTables(spec);
  const refs = findReferences(tables, diagnostics);
  const { raw } = buildRawVault(tables, refs, diagnostics);
  const sensitive = sensitiveColumns(spec, raw);
  const businessVault = stages.includes('business')
    ? buildBusinessVault(spec, raw, sensitive, diagnostics)
    : { snapshotControls: [], pits: [], bridges: [], hubs: [], links: [], satellites: [], linkSatellites: [] };
  const accessLayer = stages.includes('access') ? buildAccessLayer(spec, businessVault, sensitive, diagnostics) : { presentationViews: [], dimensionalModels: [], reportingViews: [] };
  const hashing = { ...HASHING_DEFAULTS, ...spec.hashing };
  const schemas = { ...SCHEMA_DEFAULTS, ...spec.schemas };
  const system = spec.record_source ?? spec.model;
  const model = vaultModel(
    {
      name: spec.model,
      ...(spec.description !== undefined ? { description: spec.description } : {}),
      recordSource: system,
      hashing: { algorithm: hashing.algorithm, caseSensitiveKeys: hashing.case_sensitive_keys, caseSensitiveHashdiff: hashing.case_sensitive_hashdiff },
      schemas: { landing: schemas.landing, rawVault: schemas.raw_vault, businessVault: schemas.business_vault, accessLayer: schemas.access_layer },
      stages,
      sources: tables.map((t) => ({
        name: t.name,
        ...(t.spec.description !== undefined ? { description: t.spec.description } : {}),
        columns: t.columns,
        recordSource: tableRecordSource(system, t.name, t.spec.record_source),
      })),
    },
    layerEntities(raw, businessVault, accessLayer),
  );
  if (diagnostics.some((d) => d.severity === 'error')) return { model: undefined, diagnostics };
  diagnostics.push(...validateConformance(model), ...validatePipelineFlow(model));
  return { model: diagnostics.some((d) => d.severity === 'error') ? undefined : model, diagnostics };
}

/**
 * What a table's rows hold in `record_source`: the spec's per-table value, else the system and
 * the table, `<system>.<table>` (`crm.customers`), as a stage's static record source reads in the
 * dbt packages: which system, and which of its tables, brought the row.
 * @example tableRecordSource('ews_core', 'customers', undefined) // 'ews_core.customers'
 */
export function tableRecordSource(system: string, table: string, declared: string | undefined): string {
  return declared ?? `${system}.${table}`;
}
