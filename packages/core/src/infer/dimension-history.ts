/**
 * Type-2 dimensions (docs/sql.md, "Type-2 dimensions"): a dimensional model's `history` and
 * `fact_date`, checked against what its fact and dimensions offer. A type-2 model's dimension
 * views hold one row per version of a member, and its fact view points at the version valid at
 * the fact's date, so the date must be the fact's own (VLT238): a date read from a dimension
 * would itself be one of that dimension's versioned attributes.
 */
import type { PathDiagnostic } from '../diagnostics/diagnostic.js';
import { closest } from '../diagnostics/did-you-mean.js';
import { pathDiag } from '../diagnostics/make.js';
import { VIEW_COLUMNS } from '../ir/common.js';
import type { AccessColumn, Dimension } from '../ir/access-layer.js';
import { printColumnType } from '../spec/column-type.js';
import type { DimensionalModelSpec } from '../spec/spec.js';

/** The columns a type-2 dimension view adds beside its attributes: the history view's. */
export const VERSION_COLUMNS = { from: VIEW_COLUMNS.validFrom, to: VIEW_COLUMNS.validTo, isCurrent: VIEW_COLUMNS.isCurrent } as const;

/** The column holding the key of a dimension's version, in its dimension view and in the fact view. */
export const versionKeyColumn = (dimension: string): string => `${dimension}_version_key`;

const DATE_KINDS: ReadonlySet<string> = new Set(['date', 'timestamp', 'timestamptz']);

export interface DimensionHistoryInput {
  readonly spec: DimensionalModelSpec;
  /** Where the model is in the spec: `['access_layer', 'dimensional_models', name]`. */
  readonly base: ReadonlyArray<string>;
  readonly fact: string;
  /** The columns the fact itself offers: its keys, its business satellite's columns and derived attributes. */
  readonly factColumns: ReadonlyArray<AccessColumn>;
  /** The columns each hub of the fact offers, to say where a date the fact lacks is. */
  readonly hubColumns: ReadonlyArray<{ readonly hub: string; readonly columns: ReadonlyArray<AccessColumn> }>;
  readonly dimensions: ReadonlyArray<Dimension>;
  readonly measures: ReadonlyArray<AccessColumn>;
  /** Columns the fact's tables have and its business vault does not offer, and why (`SensitiveColumns`). */
  readonly withheld?: ReadonlyMap<string, string>;
}

export interface DimensionHistoryResult {
  readonly history: 'type1' | 'type2';
  readonly factDate?: AccessColumn;
  readonly dimensions: ReadonlyArray<Dimension>;
}

/** The model's history, its fact date and its dimensions (with their version keys under type 2). */
export function dimensionHistory(input: DimensionHistoryInput, diagnostics: PathDiagnostic[]): DimensionHistoryResult {
  const { spec, base } = input;
  if (spec.history !== 'type2') {
    if (spec.fact_date !== undefined) {
      diagnostics.push(pathDiag('VLT435', [...base, 'fact_date'], `fact_date has no effect without history: type2; the dimensions of this model hold current values only`));
    }
    return { history: 'type1', dimensions: input.dimensions };
  }
  const factDate = spec.fact_date === undefined ? undefined : checkFactDate(input, spec.fact_date, diagnostics);
  const dimensions = input.dimensions.map((d) => ({ ...d, versionKey: versionKeyColumn(d.name) }));
  checkNames(input, dimensions, diagnostics);
  return { history: 'type2', ...(factDate === undefined ? {} : { factDate }), dimensions };
}

function checkFactDate(input: DimensionHistoryInput, name: string, diagnostics: PathDiagnostic[]): AccessColumn | undefined {
  const path = [...input.base, 'fact_date'];
  const hit = input.factColumns.find((c) => c.name === name);
  if (hit === undefined) {
    const onHub = input.hubColumns.find((h) => h.columns.some((c) => c.name === name));
    const dates = input.factColumns.filter((c) => DATE_KINDS.has(c.type.kind)).map((c) => c.name);
    const hint = closest(name, dates);
    const withheld = input.withheld?.get(name);
    if (withheld !== undefined) {
      diagnostics.push(pathDiag('VLT238', path, `fact_date '${name}' ${withheld}; without fact_date its load_ts is used`));
      return undefined;
    }
    const where =
      onHub === undefined
        ? `is not a column of '${input.fact}'`
        : `is a column of hub '${onHub.hub}', not of the fact '${input.fact}' itself; a dimension's column is versioned with it, so it cannot pick the version`;
    const help = hint ? `did you mean '${hint}'?` : dates.length > 0 ? `the fact's date columns are ${dates.join(', ')}` : `the fact has no date column; without fact_date its load_ts is used`;
    diagnostics.push(pathDiag('VLT238', path, `fact_date '${name}' ${where}; ${help}`));
    return undefined;
  }
  if (!DATE_KINDS.has(hit.type.kind)) {
    diagnostics.push(pathDiag('VLT238', path, `fact_date '${name}' is ${printColumnType(hit.type)}; it must be a date, timestamp or timestamptz`));
    return undefined;
  }
  return hit;
}

/** The version columns must not meet an attribute of their dimension, nor a version key a column of the fact view. */
function checkNames(input: DimensionHistoryInput, dimensions: ReadonlyArray<Dimension>, diagnostics: PathDiagnostic[]): void {
  const path = [...input.base, 'history'];
  const factColumns = new Set([...input.dimensions.map((d) => d.hashKey), ...input.measures.map((m) => m.name)]);
  for (const d of dimensions) {
    const taken = [d.versionKey!, ...Object.values(VERSION_COLUMNS)].filter((c) => d.attributes.some((a) => a.name === c));
    if (taken.length > 0) {
      diagnostics.push(pathDiag('VLT238', path, `dimension '${d.name}' has attribute(s) ${taken.map((c) => `'${c}'`).join(', ')}, which its type-2 view needs for the version's own columns`));
    }
    if (factColumns.has(d.versionKey!)) {
      diagnostics.push(pathDiag('VLT238', path, `the fact view of type 2 needs column '${d.versionKey!}' for dimension '${d.name}', but a measure or dimension already has that name`));
    }
  }
}
