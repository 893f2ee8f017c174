/**
 * Compile-time proof that the JSON Schema and core's `Spec` type describe the same thing.
 * If someone adds a field to one and not the other, this file stops compiling.
 */
import type { FromSchema } from 'json-schema-to-ts';
import type { Spec } from '@vault/core';
import type { SPEC_SCHEMA } from './spec-schema.js';

type DeepReadonly<T> = T extends ReadonlyArray<infer U> ? ReadonlyArray<DeepReadonly<U>> : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

type SchemaSpec = DeepReadonly<FromSchema<typeof SPEC_SCHEMA>>;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export const SCHEMA_MATCHES_SPEC_TYPE: Same<SchemaSpec, Spec> = true;
