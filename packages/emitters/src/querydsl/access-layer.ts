/**
 * Access layer entities in the Query DSL (docs/querydsl.md): presentation views flatten the current
 * values of a business hub; dimensional models join their dimensions to the fact and name the
 * measures; reporting views filter and select. With snapshots, presentation and reporting views
 * are also built as of each snapshot (`.as_of`, a second builder).
 */
import { METADATA_COLUMNS, type AccessColumn, type DimensionalModel, type PresentationView, type ReportingView } from '@vault/core';
import { qualifiedName, VERSION_COLUMNS } from '@vault/core/internal';
import { columnMap, filterRules, literalStep, typeText, type EntityDsl, type PyDict } from './entity-dsl.js';
import type { DslContext } from './scope.js';

/** Where an access-layer column is read from. */
function accessColumn(c: AccessColumn): PyDict {
  return { source_entity: qualifiedName({ kind: c.fromKind, name: c.from }), source_column: c.fromColumn, type: typeText(c.type) };
}

function accessColumns(columns: ReadonlyArray<AccessColumn>): ReadonlyMap<string, PyDict> {
  return columnMap(columns.map((c) => [c.name, accessColumn(c)])) as ReadonlyMap<string, PyDict>;
}

/** With snapshots, the view is also built as of each snapshot of the model's snapshot control. */
function asOf(ctx: DslContext): Pick<EntityDsl, 'asOf'> {
  const control = ctx.model.byKind.snapshot_control[0];
  return control === undefined ? {} : { asOf: control.name };
}

export function presentationViewDsl(view: PresentationView, ctx: DslContext): EntityDsl {
  return {
    mapping: {
      name: view.name,
      kind: view.kind,
      source_entity: qualifiedName({ kind: 'business_hub', name: view.businessHub }),
      business_keys: view.businessKeys,
      columns: accessColumns(view.columns),
    },
    steps: (scope) => [
      literalStep(
        scope.method('flatten'),
        view.columns.map((c) => c.name),
      ),
      literalStep(scope.method('apply_presentation_logic'), [{ rule: 'current_values', business_keys: view.businessKeys }]),
    ],
    businessKey: undefined,
    ...asOf(ctx),
  };
}

export function dimensionalModelDsl(model: DimensionalModel): EntityDsl {
  const dimensions = model.dimensions.map((d) => ({
    name: d.name,
    source_entity: qualifiedName({ kind: 'business_hub', name: d.businessHub }),
    role: d.role ?? null,
    hash_key: d.hashKey,
    // A fact hub reaches the dimension through a link it drives: its current row per driving key.
    through: d.through === undefined ? null : { link: qualifiedName({ kind: 'business_link', name: d.through.link }), driving_key: d.through.drivingKey },
    attributes: d.attributes.map((a) => ({ name: a.name, ...accessColumn(a) })),
    // Type 2: the column of the fact and of the dimension that names the member's version.
    ...(d.versionKey === undefined ? {} : { version_key: d.versionKey }),
  }));
  const factDate = model.factDate?.name ?? METADATA_COLUMNS.loadTimestamp;
  // Type 2: each dimension keeps every version; a fact joins the one valid at its date (docs/sql.md, "Type-2 dimensions").
  const versions =
    model.history === 'type1' ? [] : [{ rule: 'type2_versions', fact_date: factDate, valid_from: VERSION_COLUMNS.from, valid_to: VERSION_COLUMNS.to, is_current: VERSION_COLUMNS.isCurrent }];
  return {
    mapping: {
      name: model.name,
      kind: model.kind,
      source_entity: qualifiedName({ kind: model.factKind, name: model.fact }),
      dimensions: model.dimensions.map((d) => d.name),
      ...(model.history === 'type1' ? {} : { history: model.history, fact_date: factDate }),
      columns: accessColumns(model.measures),
    },
    steps: (scope) => [
      literalStep(scope.method('join_dimensions'), dimensions),
      literalStep(scope.method('apply_dimensional_logic'), [...versions, ...model.measures.map((m) => ({ rule: 'measure', name: m.name, type: typeText(m.type) }))]),
    ],
    businessKey: undefined,
  };
}

export function reportingViewDsl(view: ReportingView, ctx: DslContext): EntityDsl {
  return {
    mapping: {
      name: view.name,
      kind: view.kind,
      source_entity: qualifiedName({ kind: view.fromKind, name: view.from }),
      columns: accessColumns(view.columns),
    },
    // Filter first: it may read columns the view does not show.
    steps: (scope) => [literalStep(scope.method('apply_reporting_logic'), [...filterRules(view.filter), { rule: 'select', columns: view.columns.map((c) => c.name) }])],
    businessKey: undefined,
    ...asOf(ctx),
  };
}
