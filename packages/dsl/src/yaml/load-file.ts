import { relative, isAbsolute } from 'node:path';
import { severityOf } from '@vault/core/internal';
import { readFailure } from '../fs-errors.js';
import { limitDiagnostic, readTextBounded } from '../input-limits.js';
import { parseSpecYaml, type ParsedSpec } from './load.js';

/**
 * Reads and parses a spec file. `display` is the name diagnostics print; by default the path
 * relative to the working directory, so output does not depend on where the repo lives.
 */
export function loadSpecFile(path: string, display: string = displayPath(path)): ParsedSpec {
  let text: string;
  try {
    const read = readTextBounded(path, 'the spec');
    if ('problem' in read) {
      const at = { line: 1, col: 1 };
      return { spec: undefined, diagnostics: [limitDiagnostic(read.problem, display)], source: { file: display, span: () => ({ file: display, start: at, end: at }) } };
    }
    text = read.text;
  } catch (e) {
    const reason = readFailure(e);
    const at = { line: 1, col: 1 };
    return {
      spec: undefined,
      diagnostics: [{ code: 'VLT001', severity: severityOf('VLT001'), message: `cannot read the spec file: ${reason}`, span: { file: display, start: at, end: at } }],
      source: { file: display, span: () => ({ file: display, start: at, end: at }) },
    };
  }
  return parseSpecYaml(text, display);
}

export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' ? path : isAbsolute(rel) || rel.startsWith('..') ? path : rel.split('\\').join('/');
}
