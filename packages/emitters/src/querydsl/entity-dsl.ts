/**
 * What an entity contributes to its two files: the field mapping literal, the chain steps
 * between `Query(<own mapping>)` and the build call, and the business key of the build call.
 */
import { printColumnType, type ColumnType, type Filter } from '@vault/core/internal';
import type { PyValue } from '../python.js';
import type { Step } from './python-file.js';
import type { FileScope } from './scope.js';

export type PyDict = { readonly [key: string]: PyValue };

export interface EntityDsl {
  /** The `<ENTITY>_<KIND>_FIELD_MAPPING` constant. */
  readonly mapping: PyDict;
  /** Steps after `Query(<own mapping>)` and before the build call. */
  readonly steps: (scope: FileScope) => ReadonlyArray<Step>;
  /** Key columns (hubs, links), the parent hash key (satellites), or none (access layer). */
  readonly businessKey: ReadonlyArray<string> | string | undefined;
  /**
   * Presentation and reporting views of a model with snapshots: the snapshot control whose dates
   * a second builder restricts the chain to (`.as_of(Query(<its mapping>))`, the as-of view).
   */
  readonly asOf?: string;
}

/** The canonical type text, the one spelling every output uses. */
export function typeText(type: ColumnType): string {
  return printColumnType(type);
}

/** Column name → its description, in column order (a Map: user names never reorder). */
export function columnMap(entries: ReadonlyArray<readonly [string, PyDict]>): ReadonlyMap<string, PyValue> {
  return new Map(entries);
}

/**
 * A link's dependent child keys (a line number; an event's id), the last of its `business_keys`
 * and no hub's, as the manifest lists them: left out for a link without any.
 */
export function childKeysEntry(link: { readonly dependentChildKeys?: ReadonlyArray<{ readonly name: string }> }): PyDict {
  return link.dependentChildKeys === undefined ? {} : { dependent_child_keys: link.dependentChildKeys.map((c) => c.name) };
}

/** `apply_business_logic` / `apply_reporting_logic` rule of a filter: its canonical text only. */
export function filterRules(filter: Filter | undefined): ReadonlyArray<PyDict> {
  return filter === undefined ? [] : [{ rule: 'filter', expression: filter.text }];
}

/** A step whose one argument is a literal. */
export function literalStep(method: string, literal: PyValue): Step {
  return { method, args: [{ literal }] };
}
