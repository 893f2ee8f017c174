import { formatDiagnostic, sortDiagnostics, type Diagnostic } from '@vault/core';

export interface Output {
  out(line: string): void;
  err(line: string): void;
  readonly color: boolean;
  /** Standard error is a terminal: progress may be shown. */
  readonly interactive: boolean;
  /** Rewrites the current progress line (terminals only); '' clears it. */
  progress(line: string): void;
}

export function consoleOutput(): Output {
  const color = process.env['NO_COLOR'] === undefined && process.stderr.isTTY === true && process.env['TERM'] !== 'dumb';
  const interactive = process.stderr.isTTY === true;
  // A reader that stops early (`vault explain | head`) closes the pipe: the rest of the output
  // is dropped, not an error (the command still finishes what it was doing, and its exit code).
  let stdoutOpen = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    stdoutOpen = false;
  });
  return {
    out: (line) => {
      if (stdoutOpen) process.stdout.write(`${line}\n`);
    },
    err: (line) => process.stderr.write(`${line}\n`),
    color,
    interactive,
    progress: (line) => {
      if (interactive) process.stderr.write(`\r\u001b[2K${line}`);
    },
  };
}

const paint = (on: boolean, code: number, s: string): string => (on ? `\u001b[${code}m${s}\u001b[0m` : s);
export const red = (o: Output, s: string): string => paint(o.color, 31, s);
export const yellow = (o: Output, s: string): string => paint(o.color, 33, s);
export const green = (o: Output, s: string): string => paint(o.color, 32, s);
export const bold = (o: Output, s: string): string => paint(o.color, 1, s);

export function printDiagnostics(o: Output, diagnostics: ReadonlyArray<Diagnostic>): void {
  for (const d of diagnostics) {
    const line = formatDiagnostic(d);
    o.err(d.severity === 'error' ? line.replace(` error ${d.code}`, ` ${red(o, 'error')} ${d.code}`) : line.replace(` warning ${d.code}`, ` ${yellow(o, 'warning')} ${d.code}`));
  }
}

/** The JSON form of diagnostics for tools: flat, 1-based lines and columns. */
export function diagnosticsJson(diagnostics: ReadonlyArray<Diagnostic>): unknown[] {
  return diagnostics.map((d) => ({
    file: d.span.file,
    line: d.span.start.line,
    col: d.span.start.col,
    endLine: d.span.end.line,
    endCol: d.span.end.col,
    severity: d.severity,
    code: d.code,
    message: d.message,
  }));
}

/** `diagnostics` of a `--json` document: every diagnostic, sorted by file and position. */
export function sortedDiagnosticsJson(diagnostics: ReadonlyArray<Diagnostic>): unknown[] {
  return diagnosticsJson(sortDiagnostics(diagnostics));
}

/** `1 table`, `2 tables`; `many` for a word whose plural is not `word` + `s` (`entity`, `entities`). */
export const plural = (n: number, word: string, many = `${word}s`): string => `${n} ${n === 1 ? word : many}`;

export function countSummary(diagnostics: ReadonlyArray<Diagnostic>): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}

/**
 * With `--json`, the one thing a command prints on standard output: a single JSON document
 * (two-space indented), so a script can parse stdout whole.
 */
export function printJson(o: Output, value: unknown): void {
  o.out(JSON.stringify(value, null, 2));
}

/**
 * The `--json` document of a command that stopped before it had a result (the spec has errors,
 * a name fits no entity, the database cannot be reached): the same shape for every command.
 */
export function failureJson(error: string, diagnostics: ReadonlyArray<Diagnostic>, extra: Readonly<Record<string, unknown>> = {}): unknown {
  return { status: 'failed', error, ...extra, diagnostics: sortedDiagnosticsJson(diagnostics) };
}
