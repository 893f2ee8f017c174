/**
 * A link with a dependent child key in every output: the link table's columns (DDL and the
 * manifest), the load's hash inputs, the manifest's `dependent_child_keys`, the Query DSL
 * mapping and the docs' column lineage (copied from the source, like the hubs' keys).
 */
import { describe, expect, it } from 'vitest';
import { compileSpec, type Link, type Spec, type VaultModel } from '@vault/core';
import { buildManifest, columnLineage, emitQueryDsl, entityColumns, modelColumns, sqlPlan } from '@vault/emitters/internal';

const SPEC: Spec = {
  version: 1,
  model: 'lines',
  tables: {
    orders: { business_key: ['order_id'], columns: { order_id: { type: 'int', nullable: false }, placed: 'date' } },
    products: { business_key: ['product_id'], columns: { product_id: { type: 'int', nullable: false }, label: 'text' } },
    order_lines: { kind: 'link', primary_key: ['order_id', 'product_id', 'line_no'], columns: { order_id: 'int', product_id: 'int', line_no: 'int', quantity: 'int' } },
  },
};

const model: VaultModel = compileSpec(SPEC).model!;
const link: Link = model.byKind.link.find((l) => l.name === 'order_product')!;

describe('a link with a dependent child key', () => {
  it('stores the child key after the hubs’ keys', () => {
    expect(entityColumns(modelColumns(model), link).map((c) => c.name)).toEqual(['order_product_hk', 'order_hk', 'product_hk', 'order_id', 'product_id', 'line_no', 'load_ts', 'record_source']);
    const ddl = sqlPlan(model).setup.find((s) => s.sql.startsWith('CREATE TABLE') && s.sql.includes('"lnk_order_product"'))!.sql;
    expect(ddl.indexOf('"product_id"')).toBeLessThan(ddl.indexOf('"line_no"'));
    const business = model.byKind.business_link.find((l) => l.name === 'order_product')!;
    expect(entityColumns(modelColumns(model), business).map((c) => c.name)).toContain('line_no');
  });

  it('hashes the child key into the link hash key only, after the hubs’ keys', () => {
    const load = sqlPlan(model)
      .loads.flatMap((l) => l.statements)
      .find((s) => s.sql.includes('INSERT INTO "raw_vault"."lnk_order_product"'))!.sql;
    const linkHash = load.slice(0, load.indexOf(' AS "order_product_hk"'));
    expect(linkHash.indexOf('order_id')).toBeLessThan(linkHash.indexOf('product_id'));
    expect(linkHash.indexOf('product_id')).toBeLessThan(linkHash.indexOf('line_no'));
    const productHash = load.slice(load.indexOf(' AS "order_hk"'), load.indexOf(' AS "product_hk"'));
    expect(productHash).not.toContain('line_no');
    // The link satellite keys on the same hash: the full grain.
    const satLoad = sqlPlan(model)
      .loads.flatMap((l) => l.statements)
      .find((s) => s.sql.includes('INSERT INTO "raw_vault"."lsat_order_product"'))!.sql;
    expect(satLoad).toContain('line_no');
  });

  it('lists dependent_child_keys in the manifest, and only for links that have them', () => {
    const manifest = buildManifest(model, { specPath: 'lines.yaml', files: [] });
    const entry = manifest.raw_vault.links.find((l) => l.name === 'order_product')!;
    expect(entry.business_keys).toEqual(['order_id', 'product_id']);
    expect(entry.dependent_child_keys).toEqual(['line_no']);
    expect(entry.sources).toEqual([{ table: 'order_lines', columns: ['order_id', 'product_id', 'line_no'], record_source: 'lines.order_lines' }]);
    expect(manifest.business_vault.links.find((l) => l.name === 'order_product')!.dependent_child_keys).toEqual(['line_no']);
    const plain = compileSpec({
      ...SPEC,
      tables: { ...SPEC.tables, order_lines: { primary_key: ['order_id', 'product_id'], columns: { order_id: 'int', product_id: 'int', quantity: 'int' } } },
    }).model!;
    expect('dependent_child_keys' in buildManifest(plain, { specPath: 'lines.yaml', files: [] }).raw_vault.links[0]!).toBe(false);
  });

  it('maps the child key to its source column in the Query DSL', () => {
    // The framework hashes a link over its business_keys: the child key is among them, last.
    const files = emitQueryDsl(model, { specPath: 'lines.yaml' });
    const mapping = files.find((f) => f.path === 'raw_vault/order_product_link_fields.py')!.content;
    expect(mapping).toContain("'business_keys': ['order_id', 'product_id', 'line_no'],");
    expect(mapping).toContain("'line_no': {'source_column': 'line_no', 'type': 'int'},");
    // ... and names it, so that a framework tells it from the hubs' keys without reading them.
    expect(mapping).toContain("    'business_keys': ['order_id', 'product_id', 'line_no'],\n    'dependent_child_keys': ['line_no'],\n");
    expect(files.find((f) => f.path === 'business_vault/order_product_business_link_fields.py')!.content).toContain("    'dependent_child_keys': ['line_no'],\n");
    expect(files.find((f) => f.path === 'raw_vault/order_product_link.py')!.content).toContain("BusinessKey(['order_id', 'product_id', 'line_no'])");
  });

  it('copies the child key from the source in the column lineage, and hashes it into the link hash key', () => {
    const lineage = columnLineage(model, link);
    expect(lineage.find((c) => c.name === 'line_no')!.origin).toEqual({ kind: 'copied', from: [{ entity: 'source.tables.order_lines', column: 'line_no' }] });
    expect(lineage.find((c) => c.name === 'order_product_hk')!.origin).toEqual({ kind: 'hash', columns: ['order_id', 'product_id', 'line_no'] });
  });
});
