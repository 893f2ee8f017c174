/**
 * A unified diff of two texts, in the form `git apply` and `patch -p1` read, so a reviewer
 * can read it and a script can apply it. Myers' O(ND) algorithm: proposals change a few
 * lines, so D is small even for a large spec.
 */

/**
 * @example
 * unifiedDiff('a\nb\n', 'a\nc\n', 'spec.yaml')
 * // '--- a/spec.yaml\n+++ b/spec.yaml\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n'
 */
export function unifiedDiff(before: string, after: string, file: string, context = 3): string {
  if (before === after) return '';
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = diffLines(a, b);
  const out = [`--- a/${file}`, `+++ b/${file}`];
  // Group the edit script into hunks with `context` unchanged lines around each change.
  let i = 0;
  while (i < ops.length) {
    if (ops[i]!.op === ' ') {
      i++;
      continue;
    }
    let start = i;
    for (let k = 0; k < context && start > 0 && ops[start - 1]!.op === ' '; k++) start--;
    let end = i;
    for (;;) {
      while (end < ops.length && ops[end]!.op !== ' ') end++;
      let gap = 0;
      while (end + gap < ops.length && ops[end + gap]!.op === ' ') gap++;
      if (end + gap < ops.length && gap <= 2 * context) {
        end += gap;
        continue;
      }
      end = Math.min(ops.length, end + Math.min(gap, context));
      break;
    }
    const hunk = ops.slice(start, end);
    const aStart = ops[start]!.a;
    const bStart = ops[start]!.b;
    const aLen = hunk.filter((o) => o.op !== '+').length;
    const bLen = hunk.filter((o) => o.op !== '-').length;
    out.push(`@@ -${range(aStart, aLen)} +${range(bStart, bLen)} @@`);
    for (const o of hunk) {
      out.push(`${o.op}${o.text}`);
      if (o.noNewline) out.push('\\ No newline at end of file');
    }
    i = end;
  }
  return `${out.join('\n')}\n`;
}

interface Op {
  readonly op: ' ' | '-' | '+';
  readonly text: string;
  /** 0-based line index in the old (a) and new (b) text where this op sits. */
  readonly a: number;
  readonly b: number;
  readonly noNewline: boolean;
}

interface Line {
  readonly text: string;
  readonly last: boolean;
  readonly noNewline: boolean;
}

function splitLines(text: string): Line[] {
  if (text === '') return [];
  const parts = text.split('\n');
  const endsWithNewline = parts[parts.length - 1] === '';
  if (endsWithNewline) parts.pop();
  return parts.map((t, i) => ({ text: t, last: i === parts.length - 1, noNewline: i === parts.length - 1 && !endsWithNewline }));
}

function range(start: number, length: number): string {
  const first = length === 0 ? start : start + 1;
  return length === 1 ? `${first}` : `${first},${length}`;
}

/** Myers' greedy forward algorithm with a trace, then a backtrack to the edit script. */
function diffLines(a: ReadonlyArray<Line>, b: ReadonlyArray<Line>): Op[] {
  const same = (x: Line, y: Line): boolean => x.text === y.text && x.noNewline === y.noNewline;
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  outer: for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && same(a[x]!, b[y]!)) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) {
        trace.push(next);
        break outer;
      }
    }
    v = next;
  }
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 2; d >= 0 && (x > 0 || y > 0); d--) {
    const vd = trace[d]!;
    const k = x - y;
    const down = k === -d || (k !== d && vd[offset + k - 1]! < vd[offset + k + 1]!);
    const prevK = down ? k + 1 : k - 1;
    const prevX = vd[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      ops.push({ op: ' ', text: a[x]!.text, a: x, b: y, noNewline: a[x]!.noNewline });
    }
    if (d === 0) break;
    if (down) {
      y--;
      ops.push({ op: '+', text: b[y]!.text, a: x, b: y, noNewline: b[y]!.noNewline });
    } else {
      x--;
      ops.push({ op: '-', text: a[x]!.text, a: x, b: y, noNewline: a[x]!.noNewline });
    }
  }
  while (x > 0 && y > 0) {
    x--;
    y--;
    ops.push({ op: ' ', text: a[x]!.text, a: x, b: y, noNewline: a[x]!.noNewline });
  }
  return ops.reverse();
}
