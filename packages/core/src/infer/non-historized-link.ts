/**
 * Non-historized (transactional) links: a table of events (payments, transactions, signals
 * raised) becomes one link row per event, its attributes stored in the link itself, insert-only.
 * Declared with `kind: non_historized_link`; inferred only with clear evidence (`eventEvidence`).
 */
import type { PathDiagnostic } from '../diagnostics/diagnostic.js';
import { pathDiag } from '../diagnostics/make.js';
import { METADATA_COLUMNS, type Column, type Evidence, type SourcedColumn } from '../ir/common.js';
import type { LinkHub, NonHistorizedLink } from '../ir/raw-vault.js';
import { TYPE_FAMILY } from '../spec/column-type.js';
import { dependentChildKeys } from './child-keys.js';
import { slotClash } from './link-drafts.js';
import { looksSensitive, looksTechnical } from './naming.js';
import type { Ref } from './references.js';
import type { RuleId } from './rules.js';
import type { TableInfo } from './tables.js';

const ev = (rule: RuleId, detail: string): Evidence => ({ rule, detail });

/** Table names that say "events": the last word of the table's concept. */
const EVENT_NAME = /(^|_)(transaction|payment|event|log)$/;

/** Columns that say rows change after they land: an update timestamp, a deletion or CDC flag. */
const UPDATING =
  /^((updated|modified|changed)_(at|on|ts|timestamp|date|time|by)|last_(updated|modified)(_at|_on|_ts|_date)?|op|operation|op_type|cdc_flag|is_deleted|deleted_flag|valid_to|end_date|effective_to)$/;

/**
 * The evidence that a table is a table of events, or undefined when any of it is missing (the
 * table then stays what it was: a hub with satellites and a link). All of:
 * - its concept is named like events: `*_transaction(s)`, `*_payment(s)`, `*_event(s)`, `*_log`;
 * - it has its own id (a business key with a column that is no reference): the transaction id;
 * - it references at least one hub, and no table references it (nothing hangs off an event) or
 *   takes its name (another table's concept, an implied hub, a link named so);
 * - a date or timestamp column that is no technical one: when the event happened;
 * - no column says rows change (an update timestamp, a deletion or CDC flag, a validity end),
 *   no delta order, no satellites named by the spec.
 */
export function eventEvidence(t: TableInfo, linkable: ReadonlyArray<Ref>, referenced: boolean, keyNamesOf: (r: Ref) => ReadonlyArray<string>): Evidence | undefined {
  if (!EVENT_NAME.test(t.entity) || referenced || linkable.length === 0) return undefined;
  if (t.spec.delta_order !== undefined || t.spec.satellites !== undefined || t.spec.hub !== undefined) return undefined;
  const refColumns = new Set(linkable.flatMap((r) => r.columns));
  const id = t.key.filter((c) => !refColumns.has(c));
  if (id.length === 0) return undefined;
  if (t.columns.some((c) => UPDATING.test(c.name.toLowerCase()))) return undefined;
  // A column of the event named like a hub key column of the link (or a hash key) would clash: not clear enough.
  const taken = new Set(linkable.flatMap((r) => keyNamesOf(r).map((k) => `${r.role ? `${r.role}_` : ''}${k}`.toLowerCase())));
  if (t.columns.some((c) => !refColumns.has(c.name) && (taken.has(c.name.toLowerCase()) || c.name.toLowerCase().endsWith('_hk')))) return undefined;
  const when = t.columns.find(
    (c) => ['date', 'timestamp'].includes(TYPE_FAMILY[c.type.kind]) && !refColumns.has(c.name) && !t.key.includes(c.name) && t.roles.get(c.name) === undefined && !looksTechnical(c.name),
  );
  if (when === undefined) return undefined;
  return ev(
    'table.event',
    `${t.name}: named like events, id [${id.join(', ')}], ${linkable.length} reference${linkable.length > 1 ? 's' : ''}, event time '${when.name}', no column that updates rows, nothing references it`,
  );
}

interface Slot {
  readonly hub: string;
  readonly role?: string;
  readonly columns: ReadonlyArray<string>;
}

/**
 * The non-historized link of an event table: its hubs (one or more), the event's own id and
 * other grain columns as dependent child keys, every other column (but technical and ignored
 * ones) as the event's attributes. Named after the table's concept (`payment`), or `link:`.
 */
export function buildNonHistorizedLink(
  t: TableInfo,
  slots: ReadonlyArray<Slot>,
  hubKeys: (hub: string) => ReadonlyArray<Column>,
  hubNames: ReadonlySet<string>,
  refs: ReadonlyArray<Ref>,
  roleEvidence: Evidence,
  diagnostics: PathDiagnostic[],
): NonHistorizedLink | undefined {
  const at = ['tables', t.name];
  if (t.spec.satellites !== undefined) {
    diagnostics.push(pathDiag('VLT406', [...at, 'satellites'], `table '${t.name}' is a non-historized link, which keeps its attributes in the link and has no satellites; leave satellites out`));
    return undefined;
  }
  const refColumns = new Set(slots.flatMap((s) => s.columns));
  const childKeys =
    t.spec.dependent_child_keys !== undefined || t.key.length === 0
      ? dependentChildKeys(t, refColumns, diagnostics)
      : (() => {
          const columns = t.key.filter((c) => !refColumns.has(c));
          return { columns, evidence: columns.length ? [ev('link.event_id', `${t.name}: key column${columns.length > 1 ? 's' : ''} ${columns.join(', ')}: the event's own id`)] : [] };
        })();
  if (slots.length === 0 || (slots.length === 1 && childKeys.columns.length === 0)) {
    const why = t.kind === 'non_historized_link' ? 'is declared kind: non_historized_link' : 'would become a non-historized link';
    const what = slots.length === 0 ? 'references no hub' : 'references one hub and has no id of its own';
    diagnostics.push(
      pathDiag('VLT403', at, `table '${t.name}' ${why} but ${what}; an event needs a reference to a hub and an id (business_key or dependent_child_keys), or references to two hubs`, {
        target: 'key',
      }),
    );
    return undefined;
  }
  const prefixes = slots.map((s) => (s.role ? `${s.role}_` : ''));
  const names = slots.map((s, i) => `${prefixes[i]}${s.hub}`);
  const sameName = slotClash(t.name, slots);
  if (sameName !== undefined) {
    diagnostics.push(pathDiag('VLT406', [...at, 'references'], sameName));
    return undefined;
  }
  const name = t.spec.link ?? t.entity;
  const nameAt = t.spec.link !== undefined ? [...at, 'link'] : at;
  if (hubNames.has(name)) {
    diagnostics.push(pathDiag('VLT410', nameAt, `non-historized link '${name}' would have the name of a hub; give it another name with link:`, t.spec.link ? {} : { target: 'key' }));
    return undefined;
  }
  const keyNames = slots.map((s, i) => hubKeys(s.hub).map((k) => `${prefixes[i]}${k.name}`));
  const counts = new Map<string, number>();
  for (const n of keyNames.flat()) counts.set(n, (counts.get(n) ?? 0) + 1);
  const hubs: LinkHub[] = slots.map((s, i) => ({
    hub: s.hub,
    ...(s.role ? { role: s.role } : {}),
    hashKey: `${names[i]}_hk`,
    businessKeys: hubKeys(s.hub).map((k, j) => {
      const n = keyNames[i]![j]!;
      return { ...k, name: (counts.get(n) ?? 0) > 1 ? `${names[i]}_${k.name}` : n };
    }),
  }));
  // Every column of the link has its own name: hash keys, key columns, child keys, metadata, attributes.
  const taken = new Map<string, string>();
  for (const h of hubs) {
    taken.set(h.hashKey.toLowerCase(), 'a hub hash key');
    for (const k of h.businessKeys) taken.set(k.name.toLowerCase(), 'a hub key column');
  }
  taken.set(`${name}_hk`.toLowerCase(), 'its hash key');
  for (const m of [METADATA_COLUMNS.loadTimestamp, METADATA_COLUMNS.recordSource]) taken.set(m, 'Data Vault metadata');
  const clash = childKeys.columns.find((c) => taken.has(c.toLowerCase()));
  if (clash !== undefined) {
    diagnostics.push(pathDiag('VLT406', at, `id column '${clash}' of table '${t.name}' has the name of ${taken.get(clash.toLowerCase())} of non-historized link '${name}'; rename one of them`));
    return undefined;
  }
  for (const c of childKeys.columns) taken.set(c.toLowerCase(), 'an id column');
  const excluded = new Set([...refColumns, ...childKeys.columns]);
  const payload: SourcedColumn[] = [];
  const sensitive: string[] = [];
  const technical: string[] = [];
  for (const c of t.columns) {
    const role = t.roles.get(c.name);
    if (excluded.has(c.name) || role === 'ignore') continue;
    if (role === 'technical' || (role === undefined && looksTechnical(c.name)) || c.name === t.spec.delta_order) {
      technical.push(c.name);
      continue;
    }
    const what = taken.get(c.name.toLowerCase());
    if (what !== undefined) {
      diagnostics.push(
        pathDiag(
          'VLT222',
          [...at, 'columns', c.name],
          `column '${c.name}' of table '${t.name}' has the name of ${what} of non-historized link '${name}'; rename it, or give it role: technical or role: ignore`,
          {
            target: 'key',
          },
        ),
      );
      continue;
    }
    payload.push({ name: c.name, type: c.type, nullable: c.nullable, ...(c.description !== undefined ? { description: c.description } : {}), sourceTable: t.name, sourceColumn: c.name });
    if (role === 'sensitive' || looksSensitive(c.name)) sensitive.push(c.name);
  }
  const childKeyColumns = childKeys.columns.map((n) => {
    const c = t.columns.find((x) => x.name === n)!;
    return { name: c.name, type: c.type, nullable: c.nullable, ...(c.description !== undefined ? { description: c.description } : {}) };
  });
  return {
    kind: 'non_historized_link',
    name,
    hashKey: `${name}_hk`,
    hubs,
    ...(childKeyColumns.length > 0 ? { dependentChildKeys: childKeyColumns } : {}),
    payload,
    ...(sensitive.length > 0 ? { sensitiveColumns: sensitive } : {}),
    sources: [{ table: t.name, columns: [...slots.flatMap((s) => s.columns), ...childKeys.columns] }],
    derivedFrom: [{ layer: 'source', kind: 'source_table', name: t.name }],
    evidence: [
      ...(t.keyEvidence !== undefined ? [t.keyEvidence] : []),
      roleEvidence,
      ...refs.map((r) => r.evidence),
      ...childKeys.evidence,
      ev('nhl.attributes', `${t.name}: ${payload.map((c) => c.name).join(', ') || 'no attributes'} stored in the link${technical.length ? `; ${technical.join(', ')} kept out` : ''}`),
      ev('nhl.name', t.spec.link ? `named by the spec: ${name}` : `named after the events: ${name}`),
    ],
    origin: nameAt,
    ...(t.spec.delta_order !== undefined ? { deltaOrder: t.spec.delta_order } : {}),
    ...(t.spec.description !== undefined ? { description: t.spec.description } : {}),
  };
}
