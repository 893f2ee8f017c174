/**
 * Waves of loads (packages/emitters/src/sql/waves.ts): a loaded table waits for every loaded
 * table it reads, directly or through views, and the raw vault keeps its order (hubs; links and
 * satellites; link satellites). A synthetic model stores business-vault and access-layer entities
 * as tables, as PIT and bridge tables will be.
 */
import { describe, expect, it } from 'vitest';
import type { VaultEntity, VaultModel } from '@vault/core';
import { loadDependencies, loadWaves, sqlPlan } from '@vault/emitters/internal';
import { KINDS, replaceEntities } from '@vault/core/internal';
import { sampleModel } from '../fixtures/ir-sample.js';

const LINK = sampleModel.byKind.link[0]!.name;

/** Each wave as `kind name` labels. */
function waves(model: VaultModel, loaded: (e: VaultEntity) => boolean): string[][] {
  return loadWaves(model, loaded).map((w) => w.map(({ entity }) => `${entity.kind} ${entity.name}`));
}

const rawOnly = (e: VaultEntity): boolean => KINDS[e.kind].loaded;
const rawAnd =
  (...also: ReadonlyArray<string>) =>
  (e: VaultEntity): boolean =>
    rawOnly(e) || also.includes(`${e.kind} ${e.name}`);

describe('loadWaves', () => {
  it('raw vault: hubs, then links and satellites, then link satellites', () => {
    expect(waves(sampleModel, rawOnly)).toEqual([['hub early_warning_signal', 'hub business_partner'], [`link ${LINK}`, 'satellite early_warning_signal'], [`link_satellite ${LINK}`]]);
  });

  it('a business-vault table waits for the raw tables it reads, and for the whole raw vault', () => {
    // The business satellite reads the hub (wave 0) and the satellite (wave 1), which would allow
    // wave 2; a layer starts after the layer before it, so `vault run` reports layer by layer.
    expect(waves(sampleModel, rawAnd('business_satellite early_warning_signal'))).toEqual([
      ['hub early_warning_signal', 'hub business_partner'],
      [`link ${LINK}`, 'satellite early_warning_signal'],
      [`link_satellite ${LINK}`],
      ['business_satellite early_warning_signal'],
    ]);
  });

  it('counts dependencies through views, and stacks tables that read tables', () => {
    // The presentation view reads two business-vault views, which read the raw satellite (wave 1).
    expect(waves(sampleModel, rawAnd('presentation_view early_warning_signal')).slice(2)).toEqual([[`link_satellite ${LINK}`], ['presentation_view early_warning_signal']]);
    // With the business satellite a table too, the view waits for it: a wave of its own.
    expect(waves(sampleModel, rawAnd('business_satellite early_warning_signal', 'presentation_view early_warning_signal')).slice(2)).toEqual([
      [`link_satellite ${LINK}`],
      ['business_satellite early_warning_signal'],
      ['presentation_view early_warning_signal'],
    ]);
  });

  it('a business link table waits for the raw link it reads', () => {
    // The business link reads the raw link (wave 1) and hangs off business hubs that are views.
    expect(waves(sampleModel, rawAnd(`business_link ${LINK}`)).slice(2)).toEqual([[`link_satellite ${LINK}`], [`business_link ${LINK}`]]);
  });

  it('refuses a model whose references form a cycle', () => {
    const [hub, other] = sampleModel.byKind.hub;
    const cyclic: VaultModel = replaceEntities(
      sampleModel,
      'business_hub',
      sampleModel.byKind.business_hub.map((h) =>
        h.name === hub!.name
          ? { ...h, derivedFrom: [{ layer: 'business_vault', kind: 'business_hub', name: other!.name }] }
          : { ...h, derivedFrom: [{ layer: 'business_vault', kind: 'business_hub', name: hub!.name }] },
      ),
    );
    expect(() => loadWaves(cyclic, rawAnd(`business_hub ${hub!.name}`))).toThrow(/cycle/);
  });
});

/** What each loaded entity waits for, as `kind name` labels. */
function dependencies(model: VaultModel, loaded: (e: VaultEntity) => boolean): Record<string, string[]> {
  const label = (e: VaultEntity): string => `${e.kind} ${e.name}`;
  return Object.fromEntries([...loadDependencies(model, loaded)].map(([e, ds]) => [label(e), ds.map(label)]));
}

describe('loadDependencies', () => {
  it('raw vault: a satellite waits for its own hub only, a link for its hubs, a link satellite for its link', () => {
    expect(dependencies(sampleModel, rawOnly)).toEqual({
      'hub early_warning_signal': [],
      'hub business_partner': [],
      [`link ${LINK}`]: ['hub early_warning_signal', 'hub business_partner'],
      'satellite early_warning_signal': ['hub early_warning_signal'],
      [`link_satellite ${LINK}`]: [`link ${LINK}`],
    });
  });

  it('a later layer waits for what it reads, through views, not for the whole layer before it', () => {
    const d = dependencies(sampleModel, rawAnd('business_satellite early_warning_signal', 'presentation_view early_warning_signal'));
    expect(d['business_satellite early_warning_signal']).toEqual(['hub early_warning_signal', 'satellite early_warning_signal']);
    expect(d['presentation_view early_warning_signal']).toContain('business_satellite early_warning_signal');
    expect(d['presentation_view early_warning_signal']).not.toContain(`link_satellite ${LINK}`);
  });
});

describe('sqlPlan loads', () => {
  it('name the loads they wait for by index, each before them', () => {
    const loads = sqlPlan(sampleModel).loads;
    expect(loads.map((l) => `${l.kind}: ${l.after.map((i) => loads[i]!.kind).join(', ')}`)).toEqual(['hub: ', 'hub: ', 'link: hub, hub', 'satellite: hub', 'link_satellite: link']);
    loads.forEach((l, i) => expect(l.after.every((j) => j < i)).toBe(true));
    // The satellite waits for its own hub, not for the other hub of the first wave.
    const sat = loads.find((l) => l.kind === 'satellite')!;
    expect(sat.after.map((i) => loads[i]!.entity)).toEqual([sat.entity]);
  });

  it('carry their layer and wave, in wave order: the order of load.sql', () => {
    expect(sqlPlan(sampleModel).loads.map((l) => [l.wave, l.layer, l.kind])).toEqual([
      [0, 'raw_vault', 'hub'],
      [0, 'raw_vault', 'hub'],
      [1, 'raw_vault', 'link'],
      [1, 'raw_vault', 'satellite'],
      [2, 'raw_vault', 'link_satellite'],
    ]);
  });
});
