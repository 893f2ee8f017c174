import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '@vault/llm-assist';

/** Applies a unified diff produced by unifiedDiff (no fuzz: every context line must match). */
function applyDiff(before: string, diff: string): string {
  if (diff === '') return before;
  const lines = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const out: string[] = [];
  let at = 0;
  const rows = diff.replace(/\n$/, '').split('\n').slice(2);
  for (let i = 0; i < rows.length; i++) {
    const h = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@$/.exec(rows[i]!);
    if (h === null) throw new Error(`not a hunk header: ${rows[i]}`);
    const start = h[2] === '0' ? Number(h[1]) : Number(h[1]) - 1;
    while (at < start) out.push(lines[at++]!);
    for (i++; i < rows.length && !rows[i]!.startsWith('@@'); i++) {
      const [op, text] = [rows[i]![0], rows[i]!.slice(1)];
      if (op === '+') out.push(text);
      else {
        if (lines[at] !== text) throw new Error(`context mismatch at line ${at + 1}`);
        if (op === ' ') out.push(text);
        at++;
      }
    }
    i--;
  }
  while (at < lines.length) out.push(lines[at++]!);
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

describe('unifiedDiff', () => {
  it('prints hunks with three lines of context, as git does', () => {
    const before = 'a\nb\nc\nd\ne\nf\ng\nh\n';
    const after = 'a\nb\nc\nd\nE\nf\ng\nh\ni\n';
    expect(unifiedDiff(before, after, 'x.yaml')).toBe('--- a/x.yaml\n+++ b/x.yaml\n@@ -2,7 +2,8 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n+i\n');
    expect(unifiedDiff(before, before, 'x.yaml')).toBe('');
  });

  const text = fc.array(fc.constantFrom('a', 'b', 'c', 'tables:', '  x: 1', ''), { maxLength: 30 }).map((ls) => (ls.length === 0 ? '' : `${ls.join('\n')}\n`));
  test.prop([text, text])('applying the diff to the old text gives the new text', (before, after) => {
    expect(applyDiff(before, unifiedDiff(before, after, 'f'))).toBe(after);
  });
});
