/**
 * Which links a table forms (docs/inference.md, "Links"), before they are named and checked:
 * - a table that becomes a link (an association, a keyless table with references, `kind: link`)
 *   forms one unit-of-work link of all its references: one fact that only exists whole;
 * - a table that becomes a hub forms one link per reference, its own hub and the referenced one,
 *   driven by its own hub: independent relationships keep independent histories;
 * - unless the spec names one link for it (`link:`): then its own hub and every reference form
 *   one unit-of-work link, still driven by its own hub.
 */
import type { PathDiagnostic, SpecPath } from '../diagnostics/diagnostic.js';
import { pathDiag } from '../diagnostics/make.js';
import type { Evidence } from '../ir/common.js';
import type { ChildKeys } from './child-keys.js';
import type { Ref } from './references.js';
import type { RuleId } from './rules.js';
import type { TableInfo } from './tables.js';

const ev = (rule: RuleId, detail: string): Evidence => ({ rule, detail });

/** One hub of a link to be: the hub, its role, and the table's columns holding its key. */
export interface LinkSlot {
  readonly hub: string;
  readonly role?: string;
  readonly columns: ReadonlyArray<string>;
  /** The hub of the table itself (a table that becomes a hub), not one it references. */
  readonly own?: true;
}

/** The longest link name built from hub names: longer ones are shortened (below) or numbered. */
export const MAX_LINK_NAME_BYTES = 50;

export interface LinkDraft {
  readonly table: TableInfo;
  readonly slots: ReadonlyArray<LinkSlot>;
  /** The references the link is made of (the table's own hub is a slot, not a reference). */
  readonly refs: ReadonlyArray<Ref>;
  /** Indexes into `slots` of the driving hubs; empty for a link without a driving key. */
  readonly driving: ReadonlyArray<number>;
  /** The driving key is the spec's (`driving_key:` on a link table), not the table's own hub. */
  readonly drivingDeclared?: true;
  readonly childKeys: ChildKeys;
  /** The rule that decided what the link holds. */
  readonly grain: Evidence;
  /** The name the spec gives the link, and the spec node that gives it. */
  readonly named?: { readonly name: string; readonly path: SpecPath };
  /** Its name when the hubs' names would pass 50 bytes. */
  readonly fallbackName: string;
  /** The spec node the link comes from. */
  readonly origin: SpecPath;
}

/** `manager_employee` for hub `employee` under the role `manager`. */
export function slotName(s: LinkSlot): string {
  return s.role ? `${s.role}_${s.hub}` : s.hub;
}

/**
 * VLT406's message when two hubs of one link would have one name (`slotName`, which its key
 * columns and hash keys take), or undefined when each has its own. It names the hubs and roles
 * as the spec writes them: the name they would share need not be a hub's (`source_account`).
 */
export function slotClash(table: string, slots: ReadonlyArray<LinkSlot>): string | undefined {
  const names = slots.map(slotName);
  const j = names.findIndex((n, i) => names.indexOf(n) !== i);
  if (j < 0) return undefined;
  const a = slots[names.indexOf(names[j]!)]!;
  const b = slots[j]!;
  const role = (s: LinkSlot): string => (s.role ? `with the role '${s.role}'` : 'without one');
  if (a.own) {
    return b.role
      ? `table '${table}' becomes hub '${a.hub}', the name its reference to hub '${b.hub}' ${role(b)} would also have in its link; give that reference another role`
      : `table '${table}' becomes hub '${a.hub}' and references it without a role; give the reference a role`;
  }
  if (a.hub === b.hub) {
    return a.role
      ? `table '${table}' references hub '${a.hub}' twice with the role '${a.role}'; give the references different roles`
      : `table '${table}' references hub '${a.hub}' twice without a role; give one of the references a role`;
  }
  const [roled, plain] = a.role ? [a, b] : [b, a];
  return `table '${table}' references hub '${roled.hub}' ${role(roled)} and hub '${plain.hub}' ${role(plain)}, which would both be '${names[j]}' in its link; give the reference to '${roled.hub}' another role`;
}

const slotOf = (r: Ref, hub: string): LinkSlot => ({ hub, ...(r.role ? { role: r.role } : {}), columns: r.columns });

/**
 * The links table `t` forms. `own` is the hub of a table that becomes a hub; `refs` its
 * references to hubs, each with the hub it reaches (`hubOf`).
 */
export function linkDrafts(
  t: TableInfo,
  role: 'hub' | 'link',
  own: string | undefined,
  refs: ReadonlyArray<Ref>,
  hubOf: (r: Ref) => string,
  childKeys: ChildKeys,
  diagnostics: PathDiagnostic[],
): LinkDraft[] {
  const named = t.spec.link !== undefined ? { name: t.spec.link, path: ['tables', t.name, 'link'] } : undefined;
  const refSlots = refs.map((r) => slotOf(r, hubOf(r)));
  if (role === 'link' || named !== undefined) forbidReferenceNames(t, diagnostics);
  if (role !== 'link' && t.spec.driving_key !== undefined) {
    diagnostics.push(
      pathDiag('VLT406', ['tables', t.name, 'driving_key'], `table '${t.name}' becomes a hub, which drives the links it forms; driving_key is for a table that becomes a link: leave it out`),
    );
  }
  if (role === 'link') {
    const driving = declaredDrivingKey(t, refSlots, diagnostics);
    return [
      {
        table: t,
        slots: refSlots,
        refs,
        driving,
        ...(driving.length > 0 ? { drivingDeclared: true as const } : {}),
        childKeys,
        grain: ev('link.unit_of_work', `${t.name}: hubs ${refSlots.map(slotName).join(', ')}`),
        ...(named ? { named } : {}),
        fallbackName: `${t.name}_relationship`,
        origin: named?.path ?? ['tables', t.name],
      },
    ];
  }
  if (own === undefined) return [];
  const ownSlot: LinkSlot = { hub: own, columns: t.key, own: true };
  if (named !== undefined) {
    if (refs.length === 0) {
      diagnostics.push(pathDiag('VLT403', named.path, `table '${t.name}' asks for link '${named.name}' but references no hub; a link needs at least two: leave link: out`));
      return [];
    }
    const slots = [ownSlot, ...refSlots];
    return [
      {
        table: t,
        slots,
        refs,
        driving: [0],
        childKeys,
        grain: ev('link.unit_of_work_declared', `${t.name}: link: ${named.name}; hubs ${slots.map(slotName).join(', ')}`),
        named,
        fallbackName: `${t.name}_relationship`,
        origin: named.path,
      },
    ];
  }
  // Two relationships to one hub need roles, or their links would have one name.
  const sameName = slotClash(t.name, [ownSlot, ...refSlots]);
  if (sameName !== undefined) {
    diagnostics.push(pathDiag('VLT406', ['tables', t.name, 'references'], sameName));
    return [];
  }
  (t.spec.references ?? []).forEach((r, i) => {
    if (r.link !== undefined && !refs.some((x) => x.declaredAt === i)) {
      diagnostics.push(
        pathDiag('VLT406', ['tables', t.name, 'references', i, 'link'], `the reference of table '${t.name}' to '${r.table}' reaches no hub, so it forms no link to name; leave this link: out`),
      );
    }
  });
  const shortened = refSlots.map((refSlot, i) => shortRelationshipName(own, slotName(refSlot)) ?? `${t.name}_relationship_${i + 1}`);
  return refs.map((r, i) => {
    const refSlot = refSlots[i]!;
    const declared = r.declaredAt === undefined ? undefined : t.spec.references?.[r.declaredAt];
    const at: SpecPath = r.declaredAt === undefined ? ['tables', t.name, 'columns', r.columns[0]!] : ['tables', t.name, 'references', r.declaredAt];
    const refNamed = declared?.link !== undefined ? { name: declared.link, path: [...at, 'link'] } : undefined;
    return {
      table: t,
      slots: [ownSlot, refSlot],
      refs: [r],
      driving: [0],
      childKeys,
      grain: ev('link.per_relationship', `${t.name}: ${own} → ${slotName(refSlot)}`),
      ...(refNamed ? { named: refNamed } : {}),
      // Two references shortened alike would form two links of one name: those keep their number.
      fallbackName: shortened.indexOf(shortened[i]!) === shortened.lastIndexOf(shortened[i]!) ? shortened[i]! : `${t.name}_relationship_${i + 1}`,
      origin: refNamed?.path ?? at,
    };
  });
}

/**
 * A relationship link's name when `<own>_<referenced>` would pass 50 bytes: the own hub and the
 * last words of the referenced hub's name, as many as fit (`early_warning_signal_input` and
 * `customer_account_monitoring_batch_manifest` give `early_warning_signal_input_batch_manifest`);
 * undefined when not even its last word fits.
 */
function shortRelationshipName(own: string, referenced: string): string | undefined {
  const words = referenced.split('_');
  for (let k = 1; k < words.length; k++) {
    const name = `${own}_${words.slice(k).join('_')}`;
    if (Buffer.byteLength(name) <= MAX_LINK_NAME_BYTES) return name;
  }
  return undefined;
}

/** A reference's `link:` names a per-relationship link: a table forming one link has none. */
function forbidReferenceNames(t: TableInfo, diagnostics: PathDiagnostic[]): void {
  (t.spec.references ?? []).forEach((r, i) => {
    if (r.link === undefined) return;
    const why = t.spec.link !== undefined ? `asks for one link of all its references with link: '${t.spec.link}'` : 'becomes a link, one unit of work of all its references';
    diagnostics.push(
      pathDiag('VLT406', ['tables', t.name, 'references', i, 'link'], `table '${t.name}' ${why}, so its reference to '${r.table}' forms no link of its own to name; leave this link: out`),
    );
  });
}

/**
 * The driving key a link table declares (`driving_key:`, columns of its references): the slots
 * whose columns it names. Each column must be a reference's, and at least one hub must be left
 * to point at (VLT406); empty when the spec declares none.
 */
function declaredDrivingKey(t: TableInfo, slots: ReadonlyArray<LinkSlot>, diagnostics: PathDiagnostic[]): ReadonlyArray<number> {
  const declared = t.spec.driving_key;
  if (declared === undefined) return [];
  const path = ['tables', t.name, 'driving_key'];
  const stray = declared.find((c) => !slots.some((s) => s.columns.includes(c)));
  if (stray !== undefined) {
    diagnostics.push(pathDiag('VLT406', path, `driving_key of table '${t.name}' names '${stray}', which is no column of a reference to a hub; name the columns of the references that drive the link`));
    return [];
  }
  const driving = slots.flatMap((s, i) => (s.columns.some((c) => declared.includes(c)) ? [i] : []));
  if (driving.length === slots.length) {
    diagnostics.push(pathDiag('VLT406', path, `driving_key of table '${t.name}' names every hub of its link; leave one hub at least for the relationship to point at`));
    return [];
  }
  return driving;
}
