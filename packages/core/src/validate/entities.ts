import type { EntityRef } from '../ir/common.js';

export function refKey(r: Pick<EntityRef, 'layer' | 'kind' | 'name'>): string {
  return `${r.layer}.${r.kind}.${r.name}`;
}
