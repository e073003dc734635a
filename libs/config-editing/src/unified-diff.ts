type Op = { readonly kind: ' ' | '-' | '+'; readonly line: string };

/** Above this many cells the middle of the files is shown as replaced as a whole rather than diffed line by line. */
const MAX_TABLE_CELLS = 4_000_000;

/**
 * A unified diff (`diff -u` layout, `context` lines around each change) of two texts, labelled with `path`. Empty when
 * the texts are equal. Line-level LCS over what remains once the common head and tail are cut off: config files are
 * small, and a huge one degrades to one replaced block instead of a slow diff.
 */
export function unifiedDiff(before: string, after: string, path: string, context = 3): string {
  if (before === after) return '';
  const ops = diffLines(linesOf(before), linesOf(after));
  const hunks = hunksOf(ops, context).map((range) => formatHunk(ops, range));
  return [`--- ${path}`, `+++ ${path}`, ...hunks].join('\n') + '\n';
}

function linesOf(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  else lines[lines.length - 1] += ' \\ (no newline at end of file)';
  return lines;
}

function diffLines(a: string[], b: string[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head += 1;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail += 1;
  const middleA = a.slice(head, a.length - tail);
  const middleB = b.slice(head, b.length - tail);
  const same = (lines: string[]): Op[] => lines.map((line) => ({ kind: ' ', line }));
  return [...same(a.slice(0, head)), ...middleOps(middleA, middleB), ...same(a.slice(a.length - tail))];
}

function middleOps(a: string[], b: string[]): Op[] {
  if ((a.length + 1) * (b.length + 1) > MAX_TABLE_CELLS) {
    return [...a.map((line): Op => ({ kind: '-', line })), ...b.map((line): Op => ({ kind: '+', line }))];
  }
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      lcs[i * width + j] = a[i] === b[j] ? lcs[(i + 1) * width + j + 1]! + 1 : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i++]! });
      j += 1;
    } else if (i < a.length && (j === b.length || lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!)) {
      ops.push({ kind: '-', line: a[i++]! });
    } else {
      ops.push({ kind: '+', line: b[j++]! });
    }
  }
  return ops;
}

type Range = { start: number; end: number };

/** Op index ranges to print: each change with `context` unchanged lines around it, overlapping ranges merged. */
function hunksOf(ops: Op[], context: number): Range[] {
  const ranges: Range[] = [];
  ops.forEach((op, index) => {
    if (op.kind === ' ') return;
    const start = Math.max(0, index - context);
    const end = Math.min(ops.length, index + context + 1);
    const last = ranges[ranges.length - 1];
    if (last && start <= last.end) last.end = Math.max(last.end, end);
    else ranges.push({ start, end });
  });
  return ranges;
}

function formatHunk(ops: Op[], range: Range): string {
  let oldLine = 1;
  let newLine = 1;
  for (const op of ops.slice(0, range.start)) {
    if (op.kind !== '+') oldLine += 1;
    if (op.kind !== '-') newLine += 1;
  }
  const body = ops.slice(range.start, range.end);
  const oldCount = body.filter((op) => op.kind !== '+').length;
  const newCount = body.filter((op) => op.kind !== '-').length;
  const header = `@@ -${oldCount === 0 ? oldLine - 1 : oldLine},${oldCount} +${newCount === 0 ? newLine - 1 : newLine},${newCount} @@`;
  return [header, ...body.map((op) => `${op.kind}${op.line}`)].join('\n');
}
