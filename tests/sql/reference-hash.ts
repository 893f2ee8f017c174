/**
 * Vault hashing standard v1 (docs/hashing.md), written again in TypeScript from the document,
 * independently of the SQL: the integration test checks every hash the database computes
 * against it.
 */
import { createHash } from 'node:crypto';
import type { HashAlgorithm } from '@vault/core';

/** A value already in its canonical text (integers as digits, decimals with their scale), or NULL. */
export type HashValue = string | null;

/** Steps 2-5 of the standard for one value. */
export function referenceHashText(value: HashValue, keepCase: boolean): string {
  if (value === null) return '^^';
  let text = value.replace(/^ +| +$/g, '');
  if (!keepCase) text = text.replace(/[a-z]+/g, (s) => s.toUpperCase());
  if (text === '') text = '^^';
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
}

/** Steps 6-7: join with `||`, digest the UTF-8 bytes, lower-case hex. */
export function referenceHash(algorithm: HashAlgorithm, values: ReadonlyArray<HashValue>, keepCase: boolean): string {
  return createHash(algorithm).update(values.map((v) => referenceHashText(v, keepCase)).join('||'), 'utf8').digest('hex');
}

/** A business key is missing when every value is NULL or blank. */
export function referenceMissing(values: ReadonlyArray<HashValue>): boolean {
  return values.every((v) => v === null || v.replace(/^ +| +$/g, '') === '');
}
