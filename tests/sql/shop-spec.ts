/**
 * A small shop whose names need quoting (mixed case `CustomerName`, key word `type`), whose
 * record source holds a quote, a pipe and a backslash, and whose keys may be NULL in landing:
 * the spec the SQL integration test loads.
 */
import type { HashAlgorithm, Spec } from '@vault/core';

export interface ShopHashing {
  readonly algorithm: HashAlgorithm;
  readonly caseSensitiveKeys: boolean;
  readonly caseSensitiveHashdiff: boolean;
}

export const SHOP_RECORD_SOURCE = "web|shop's\\feed";

export function shopSpec(hashing: ShopHashing): Spec {
  return {
    version: 1,
    model: 'shop',
    record_source: SHOP_RECORD_SOURCE,
    hashing: { algorithm: hashing.algorithm, case_sensitive_keys: hashing.caseSensitiveKeys, case_sensitive_hashdiff: hashing.caseSensitiveHashdiff },
    tables: {
      customers: {
        business_key: ['customer_code'],
        delta_order: 'updated_at',
        columns: {
          customer_code: { type: 'text', nullable: true },
          CustomerName: 'text',
          type: 'varchar(20)',
          score: 'int',
          updated_at: { type: 'timestamptz', role: 'technical' },
        },
      },
      products: {
        business_key: ['product_id'],
        columns: { product_id: { type: 'int', nullable: true }, label: 'text' },
      },
      purchases: {
        primary_key: ['customer_code', 'product_id'],
        columns: {
          customer_code: { type: 'text', nullable: true },
          product_id: { type: 'int', nullable: true },
          quantity: 'int',
          unit_price: 'decimal(12,2)',
        },
        references: [
          { columns: ['customer_code'], table: 'customers' },
          { columns: ['product_id'], table: 'products' },
        ],
      },
    },
    business_vault: {
      rules: {
        // `customername` in another case than the column: rules look columns up case-insensitively.
        customer: { derive: { half: 'score / 2', shout: "customername || '!'" }, filter: 'score IS NULL OR score >= 0' },
        customer_product: { derive: { line_total: 'quantity * unit_price' }, filter: 'quantity > 0' },
      },
    },
    access_layer: {
      presentation_views: 'all',
      dimensional_models: { sales: { fact: 'customer_product', measures: ['quantity', 'line_total', 'score'] } },
      reporting_views: { big_customers: { from: 'customer', columns: ['customer_code', 'CustomerName', 'score'], filter: 'score > 10' } },
    },
  };
}
