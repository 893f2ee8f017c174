/**
 * `snapshots:` of a spec (docs/spec.md, "Snapshots"): `start` and `end` must be real calendar
 * dates, `YYYY-MM-DD` (`end` may also be `today`) (VLT232), and a fixed end may not come
 * before the start (VLT233).
 */
import type { PathDiagnostic } from '../diagnostics/diagnostic.js';
import { pathDiag } from '../diagnostics/make.js';
import { parseDate } from './snapshot-dates.js';
import type { Spec } from './spec.js';

export function checkSnapshots(spec: Spec, out: PathDiagnostic[]): void {
  const s = spec.snapshots;
  if (s === undefined) return;
  const start = parseDate(s.start);
  if (start === undefined) out.push(pathDiag('VLT232', ['snapshots', 'start'], `snapshots start '${s.start}' is not a calendar date; write it as YYYY-MM-DD, e.g. 2024-01-01`));
  const endText = s.end ?? 'today';
  if (endText === 'today') return;
  const end = parseDate(endText);
  if (end === undefined) {
    out.push(pathDiag('VLT232', ['snapshots', 'end'], `snapshots end '${endText}' is not a calendar date; write it as YYYY-MM-DD, or 'today' for the batch load timestamp's date`));
    return;
  }
  if (start !== undefined && end < start) out.push(pathDiag('VLT233', ['snapshots', 'end'], `snapshots end ${endText} comes before start ${s.start}; no date would be a snapshot`));
}
