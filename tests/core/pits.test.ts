/**
 * Which hubs and links get a point-in-time table (docs/spec.md, "Point-in-time tables"; rule
 * `bv.pit`): by default those with two or more satellites of any kind, when the model has
 * snapshots; a listed one whatever its count; VLT234 and VLT432 for what cannot be built.
 */
import { describe, expect, it } from 'vitest';
import { codes, nn, ok, rules, type SpecBody } from './spec-body.js';

/** Partners (a satellite and, with a CDC operation column, a status tracking satellite), their ratings (multi-active) and notes (one satellite). */
const tables: SpecBody['tables'] = {
  partners: { business_key: ['partner_id'], columns: { partner_id: nn('int'), name: 'text', op: 'text' } },
  ratings: {
    primary_key: ['partner_id', 'agency'],
    multi_active_key: ['agency'],
    columns: { partner_id: nn('int'), agency: nn('text'), grade: 'text' },
    references: [{ columns: ['partner_id'], table: 'partners' }],
  },
  notes: { business_key: ['note_id'], columns: { note_id: nn('int'), body: 'text' } },
};
const snapshots = { start: '2024-01-01', every: 'month_end' } as const;

describe('point-in-time tables: inference', () => {
  it('by default, one per hub or link with two or more satellites of any kind, pointing into each in model order', () => {
    const model = ok({ tables, snapshots });
    expect(model.byKind.pit.map((p) => p.name)).toEqual(['partner']);
    const pit = model.byKind.pit[0]!;
    expect(pit.satellites).toEqual([
      { kind: 'satellite', name: 'partners' },
      { kind: 'multi_active_satellite', name: 'ratings' },
      { kind: 'status_tracking_satellite', name: 'partners' },
    ]);
    expect(pit).toMatchObject({ parent: 'partner', parentKind: 'hub', parentHashKey: 'partner_hk', snapshotControl: 'test' });
    expect(pit.derivedFrom.map((r) => `${r.layer}.${r.kind}.${r.name}`)).toEqual([
      'raw_vault.hub.partner',
      'raw_vault.satellite.partners',
      'raw_vault.multi_active_satellite.ratings',
      'raw_vault.status_tracking_satellite.partners',
      'business_vault.snapshot_control.test',
    ]);
    expect(rules(pit)).toEqual(['bv.pit']);
  });

  it('without snapshots the default gives none and says nothing; none gives none', () => {
    expect(ok({ tables }).byKind.pit).toEqual([]);
    expect(codes({ tables }, 'warning')).toEqual([]);
    expect(ok({ tables, snapshots, business_vault: { pits: 'none' } }).byKind.pit).toEqual([]);
  });

  it('a listed hub gets one with a single satellite, in the order of the hubs (by name), whatever the order of the list', () => {
    const model = ok({ tables, snapshots, business_vault: { pits: ['partner', 'note'] } });
    expect(model.byKind.pit.map((p) => [p.name, p.satellites.length])).toEqual([
      ['note', 1],
      ['partner', 3],
    ]);
    expect(model.byKind.pit.find((p) => p.name === 'note')!.origin).toEqual(['business_vault', 'pits', 1]);
  });

  it('pits written without snapshots, or naming no hub or link with satellites, is VLT234', () => {
    expect(codes({ tables, business_vault: { pits: 'all' } })).toEqual([['VLT234', ['business_vault', 'pits']]]);
    expect(codes({ tables, business_vault: { pits: ['partner'] } })).toEqual([['VLT234', ['business_vault', 'pits']]]);
    expect(codes({ tables, snapshots, business_vault: { pits: ['partner', 'nobody'] } })).toEqual([['VLT234', ['business_vault', 'pits', 1]]]);
    const keyless = { ...tables, codes: { business_key: ['code'], columns: { code: nn('text') } } };
    expect(codes({ tables: keyless, snapshots, business_vault: { pits: ['code'] } })).toEqual([['VLT234', ['business_vault', 'pits', 0]]]);
  });

  it('a name listed twice, or all when nothing has two satellites, is the warning VLT432', () => {
    expect(codes({ tables, snapshots, business_vault: { pits: ['note', 'note'] } }, 'warning')).toEqual([['VLT432', ['business_vault', 'pits', 1]]]);
    expect(codes({ tables: { notes: tables['notes']! }, snapshots, business_vault: { pits: 'all' } }, 'warning')).toEqual([['VLT432', ['business_vault', 'pits']]]);
    expect(codes({ tables: { notes: tables['notes']! }, snapshots }, 'warning')).toEqual([]);
  });
});
