/**
 * Two models in one database whose schemas meet (docs/sql.md, "Setup": which model owns each
 * object). They may share hubs and links; a model that would make another model's satellite,
 * view or PIT table its own stops at setup, before anything is created or dropped, naming the
 * object and its model. On a server only: the embedded database belongs to one model.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_URL, count, createWorkspace, table, type Workspace } from './workspace.js';

if (SERVER_URL === undefined) console.warn('shared-schemas.test.ts skipped: two models share schemas only on a server (VAULT_TEST_DATABASE_URL unset); the embedded database belongs to one model');

describe.runIf(SERVER_URL !== undefined)('two models whose schemas meet', () => {
  let ws: Workspace;
  /** The second model's name, and the schemas of its own in the last case. */
  let second: string;
  /** The views of the first model, by schema and name. */
  const views = (): Promise<ReadonlyArray<unknown>> =>
    ws.session((q) => q('SELECT schemaname, viewname, definition FROM pg_views WHERE schemaname IN ($1, $2) ORDER BY 1, 2', [ws.model.schemas.businessVault, ws.model.schemas.accessLayer]));
  /** Writes a spec for the second model: `edit` changes the first model's spec document. */
  const secondSpec = (file: string, edit: (doc: ReturnType<typeof parseDocument>) => void): string => {
    const doc = parseDocument(readFileSync(join(ws.dir, ws.spec), 'utf8'));
    doc.set('model', second);
    edit(doc);
    writeFileSync(join(ws.dir, 'specs', file), doc.toString());
    return join('specs', file);
  };

  beforeAll(() => {
    ws = createWorkspace('specs/ews.yaml', 'owners');
    second = `${ws.model.name}_other`;
    for (const args of [
      ['seed', ws.spec, '--rows', '40'],
      ['run', ws.spec],
    ]) {
      const r = ws.vault(args);
      expect(r.code, r.stderr).toBe(0);
    }
  });
  afterAll(async () => {
    await ws.session(async (q) => {
      for (const s of [`${second}_bv`, `${second}_al`]) await q(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    });
    await ws.cleanup();
  });

  it("a model whose objects would be another model's stops at setup, with --replace-views too: nothing created, dropped or loaded", async () => {
    // The same tables under another model's name: every satellite and view would be both models'.
    const spec = secondSpec('copy.yaml', () => undefined);
    const before = await views();
    const ledger = `SELECT entity_table, loaded_at::text AS at FROM ${table(ws.model, 'rawVault', 'vault_loads')} ORDER BY 1`;
    const loads = await ws.session((q) => q(ledger));
    for (const extra of [[], ['--replace-views']]) {
      const r = ws.vault(['run', spec, ...extra]);
      expect(r.code, r.stderr).toBe(1);
      // The access layer's schema is checked first; its first object in name order is named.
      expect(r.stderr).toContain(
        `vault: setup failed, nothing was created: ERROR P0001: ${ws.model.schemas.accessLayer}.dim_early_warning_signal_star_business_partner belongs to model ${ws.model.name}, and model ${second} would make it its own: two models that share a schema share only hubs and links`,
      );
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(await views()).toEqual(before);
      expect(await ws.session((q) => q(ledger))).toEqual(loads);
    }
    // The first model runs on, its views its own.
    const again = ws.vault(['run', ws.spec, '--no-skip-unchanged']);
    expect(again.code, again.stderr).toBe(0);
    expect(await views()).toEqual(before);
  });

  it("a model with business vault and access layer schemas of its own shares the first model's hubs in the raw vault", async () => {
    // A table of its own, keyed by the business partner: the hub business_partner is both models'.
    const spec = secondSpec('watch.yaml', (doc) => {
      doc.setIn(['schemas', 'business_vault'], `${second}_bv`);
      doc.setIn(['schemas', 'access_layer'], `${second}_al`);
      doc.set('tables', {
        business_partner: {
          business_key: ['business_partner_id'],
          columns: { business_partner_id: { type: 'int', nullable: false }, watch_list: 'boolean', watch_reason: 'varchar(60)' },
        },
      });
      doc.delete('business_vault');
      doc.delete('access_layer');
      doc.delete('snapshots');
    });
    const hub = table(ws.model, 'rawVault', 'hub_business_partner');
    const sources = `SELECT DISTINCT record_source FROM ${hub} WHERE business_partner_hk <> repeat('0', 32) ORDER BY 1`;
    const ews = ['ews_core.early_warning_signal', 'ews_core.early_warning_signal_input'];
    expect((await ws.session((q) => q(sources))).map((r) => r['record_source'])).toEqual(ews);
    for (const args of [
      ['seed', spec, '--rows', '30'],
      ['run', spec],
    ]) {
      const r = ws.vault(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    expect((await ws.session((q) => q(sources))).map((r) => r['record_source'])).toEqual(['ews_core.business_partner', ...ews]);
    expect(await ws.session((q) => count(q, `SELECT count(*) FROM ${table(ws.model, 'rawVault', 'sat_business_partner')}`))).toBeGreaterThan(1);
    const first = ws.vault(['run', ws.spec, '--no-skip-unchanged']);
    expect(first.code, first.stderr).toBe(0);
  });
});
