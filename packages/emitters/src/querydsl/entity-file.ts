/**
 * An entity's two files: `<name>_<kind>.py` (the chain) and `<name>_<kind>_fields.py` (its
 * field mapping constant).
 */
import type { VaultEntity } from '@vault/core';
import { KINDS, dispatch, type KindHandlers } from '@vault/core/internal';
import { pyLiteral } from '../python.js';
import type { EmittedFile } from '../emitted-file.js';
import { businessHubDsl, businessLinkDsl, businessLinkSatelliteDsl, businessSatelliteDsl } from './business-vault.js';
import { dimensionalModelDsl, presentationViewDsl, reportingViewDsl } from './access-layer.js';
import type { EntityDsl } from './entity-dsl.js';
import { DSL_KINDS, builderName, entityNames, entityPaths } from './kinds.js';
import { Imports, header, pythonFile, writeChain, type Step } from './python-file.js';
import { effectivitySatelliteDsl, hubDsl, linkDsl, linkSatelliteDsl, multiActiveSatelliteDsl, nonHistorizedLinkDsl, referenceTableDsl, satelliteDsl, statusTrackingSatelliteDsl } from './raw-vault.js';
import { snapshotControlDsl } from './snapshot-control.js';
import { pitDsl } from './pit.js';
import { FileScope, type DslContext } from './scope.js';

/**
 * Each kind's `EntityDsl`, a table typed so that a kind nobody handles fails to compile. A table
 * rather than a ts-pattern `match`, which builds its matcher on every call: this runs once per
 * entity, 70,000 times for a 10,000-table model.
 */
const ENTITY_DSL: KindHandlers<EntityDsl, DslContext> = {
  hub: hubDsl,
  link: linkDsl,
  non_historized_link: nonHistorizedLinkDsl,
  satellite: satelliteDsl,
  link_satellite: linkSatelliteDsl,
  effectivity_satellite: effectivitySatelliteDsl,
  multi_active_satellite: multiActiveSatelliteDsl,
  status_tracking_satellite: statusTrackingSatelliteDsl,
  reference_table: referenceTableDsl,
  snapshot_control: snapshotControlDsl,
  pit: pitDsl,
  business_hub: businessHubDsl,
  business_link: businessLinkDsl,
  business_satellite: businessSatelliteDsl,
  business_link_satellite: businessLinkSatelliteDsl,
  presentation_view: presentationViewDsl,
  dimensional_model: dimensionalModelDsl,
  reporting_view: reportingViewDsl,
};

export function entityDsl(ctx: DslContext, entity: VaultEntity): EntityDsl {
  return dispatch(entity, ENTITY_DSL, ctx);
}

/**
 * @example
 * entityFilesFor(ctx, hub) // [{ path: 'raw_vault/business_partner_hub.py', ... }, { path: 'raw_vault/business_partner_hub_fields.py', ... }]
 */
export function entityFilesFor(ctx: DslContext, entity: VaultEntity): ReadonlyArray<EmittedFile> {
  const dsl = entityDsl(ctx, entity);
  const [builderPath, fieldsPath] = entityPaths(entity);
  return [
    { path: builderPath, content: builderFile(ctx, entity, dsl) },
    { path: fieldsPath, content: fieldsFile(ctx, entity, dsl) },
  ];
}

function builderFile(ctx: DslContext, entity: VaultEntity, dsl: EntityDsl): string {
  const kind = DSL_KINDS[entity.kind];
  const scope = new FileScope(ctx, KINDS[entity.kind].layer);
  // Build the whole chain first: naming things records the imports the file starts with.
  const start = scope.query(entity.kind, entity.name);
  const buildArgs = [{ code: scope.member(entity.kind, entity.name) }, ...(dsl.businessKey === undefined ? [] : [{ code: scope.businessKey(dsl.businessKey) }])];
  const steps: Step[] = [...dsl.steps(scope), { method: scope.method(kind.build), args: buildArgs }];
  const head = header(ctx.specPath, `${kind.title} ${entity.name}: the Query DSL chain that builds it.`);
  if (kind.shape === 'main') {
    steps.push({ method: scope.method('write'), args: [] });
    guardShadowing(scope.imports, 'main');
    return pythonFile(head, scope.imports, (w) => {
      w.line('def main():');
      w.block(() => writeChain(w, '', start, steps));
      w.blank(2);
      w.line('if __name__ == "__main__":');
      w.block(() => w.line('main()'));
    });
  }
  const cls = entityNames(entity).className;
  guardShadowing(scope.imports, cls);
  return pythonFile(head, scope.imports, (w) => {
    w.line(`class ${cls}:`);
    w.block(() => {
      w.line('@staticmethod');
      w.line(`def ${builderName(entity.kind)}():`);
      w.block(() => writeChain(w, 'return ', start, steps));
    });
  });
}

function fieldsFile(ctx: DslContext, entity: VaultEntity, dsl: EntityDsl): string {
  const constant = entityNames(entity).mappingConstant;
  const head = header(ctx.specPath, `${DSL_KINDS[entity.kind].title} ${entity.name}: its field mapping.`);
  return pythonFile(
    head,
    new Imports(),
    (w) => {
      w.line(`${constant} = ${pyLiteral(dsl.mapping, { column: constant.length + 3 })}`);
    },
    1,
  );
}

/** A profile name equal to the file's own definition would make the file call itself. */
function guardShadowing(imports: Imports, defined: string): void {
  if (imports.has(defined)) {
    throw new Error(`emitQueryDsl: '${defined}' is both imported and defined in one file; rename it in the framework profile`);
  }
}
