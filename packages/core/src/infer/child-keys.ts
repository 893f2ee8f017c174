/**
 * Dependent child keys of link tables: the columns of a link's grain that are no hub's key
 * (an order line's `line_no`). Without them two lines of one order and product would collapse
 * into one link key.
 */
import type { PathDiagnostic } from '../diagnostics/diagnostic.js';
import { pathDiag } from '../diagnostics/make.js';
import type { Evidence } from '../ir/common.js';
import { TYPE_FAMILY } from '../spec/column-type.js';
import { looksLikeChildKey, looksTechnical } from './naming.js';
import type { Ref } from './references.js';
import type { RuleId } from './rules.js';
import type { TableInfo } from './tables.js';

const ev = (rule: RuleId, detail: string): Evidence => ({ rule, detail });

export interface ChildKeys {
  /** Source column names, in hash order. */
  readonly columns: ReadonlyArray<string>;
  readonly evidence: ReadonlyArray<Evidence>;
}

/**
 * The key's columns beyond the references, when the key is references to two or more hubs plus
 * columns named like line numbers: `[order_id, product_id, line_no]` gives `[line_no]`.
 */
export function childKeysOfKey(t: TableInfo, linkable: ReadonlyArray<Ref>): ReadonlyArray<string> | undefined {
  if (t.key.length === 0) return undefined;
  const inKey = linkable.filter((r) => r.columns.every((c) => t.key.includes(c)));
  if (inKey.length < 2) return undefined;
  const refColumns = new Set(inKey.flatMap((r) => r.columns));
  const rest = t.key.filter((c) => !refColumns.has(c));
  return rest.length > 0 && rest.every(looksLikeChildKey) ? rest : undefined;
}

/**
 * The dependent child keys of a table that becomes a link: the declared ones; else the key's
 * columns that are no reference, when the key was declared (primary, unique or business key);
 * else the columns named like line numbers that are no reference.
 */
export function dependentChildKeys(t: TableInfo, refColumns: ReadonlySet<string>, diagnostics: PathDiagnostic[]): ChildKeys {
  const declared = t.spec.dependent_child_keys;
  if (declared !== undefined) {
    declared.forEach((c, i) => {
      if (refColumns.has(c)) {
        diagnostics.push(
          pathDiag('VLT406', ['tables', t.name, 'dependent_child_keys', i], `dependent child key '${c}' is a reference of table '${t.name}'; a dependent child key is no hub's key: leave it out`),
        );
      }
    });
    const columns = declared.filter((c) => !refColumns.has(c) && t.columns.some((x) => x.name === c));
    return { columns, evidence: columns.length ? [ev('link.dependent_child_key_declared', `${t.name}: dependent_child_keys [${columns.join(', ')}]`)] : [] };
  }
  if (t.key.length > 0 && t.keyEvidence?.rule !== 'bk.naming') {
    const columns = t.key.filter((c) => !refColumns.has(c));
    return {
      columns,
      evidence: columns.length ? [ev('link.dependent_child_key', `${t.name}: key column${columns.length > 1 ? 's' : ''} ${columns.join(', ')} ${columns.length > 1 ? 'are' : 'is'} no reference`)] : [],
    };
  }
  if (t.key.length > 0) return { columns: [], evidence: [] };
  const columns = t.columns
    .filter((c) => !refColumns.has(c.name) && !t.roles.has(c.name) && !looksTechnical(c.name) && looksLikeChildKey(c.name))
    .filter((c) => ['integer', 'text'].includes(TYPE_FAMILY[c.type.kind]))
    .map((c) => c.name);
  return { columns, evidence: columns.length ? [ev('link.dependent_child_key', `${t.name}: no key of its own; ${columns.join(', ')} named like a line number`)] : [] };
}
