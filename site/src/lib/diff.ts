/**
 * A small line diff (longest common subsequence over lines) for comparing plan versions. Common
 * leading and trailing lines are trimmed first, so typical revisions stay cheap; past a size
 * limit the changed middle is shown as removed-then-added rather than computed.
 */
export type DiffOp = 'same' | 'add' | 'del';

export interface DiffLine {
  op: DiffOp;
  text: string;
  /** Line number in the old text (same, del). */
  a?: number;
  /** Line number in the new text (same, add). */
  b?: number;
}

const MAX_CELLS = 4_000_000;

/** Lines of `before` and `after`, each marked same, added or deleted, in reading order. */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const out: DiffLine[] = [];
  for (let i = 0; i < start; i++) out.push({ op: 'same', text: a[i]!, a: i + 1, b: i + 1 });
  out.push(...middle(a, b, start, endA, start, endB));
  for (let i = endA, j = endB; i < a.length; i++, j++)
    out.push({ op: 'same', text: a[i]!, a: i + 1, b: j + 1 });
  return out;
}

function splitLines(s: string): string[] {
  if (s === '') return [];
  const lines = s.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

function middle(
  a: string[],
  b: string[],
  a0: number,
  a1: number,
  b0: number,
  b1: number,
): DiffLine[] {
  const n = a1 - a0;
  const m = b1 - b0;
  const out: DiffLine[] = [];
  if (n === 0 || m === 0 || n * m > MAX_CELLS) {
    for (let i = a0; i < a1; i++) out.push({ op: 'del', text: a[i]!, a: i + 1 });
    for (let j = b0; j < b1; j++) out.push({ op: 'add', text: b[j]!, b: j + 1 });
    return out;
  }
  // lcs[i][j] = LCS length of a[a0+i..a1) and b[b0+j..b1), stored row-major.
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * w + j] =
        a[a0 + i] === b[b0 + j]
          ? lcs[(i + 1) * w + j + 1]! + 1
          : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
    }
  }
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[a0 + i] === b[b0 + j]) {
      out.push({ op: 'same', text: a[a0 + i]!, a: a0 + i + 1, b: b0 + j + 1 });
      i++;
      j++;
    } else if (lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!) {
      out.push({ op: 'del', text: a[a0 + i]!, a: a0 + i + 1 });
      i++;
    } else {
      out.push({ op: 'add', text: b[b0 + j]!, b: b0 + j + 1 });
      j++;
    }
  }
  for (; i < n; i++) out.push({ op: 'del', text: a[a0 + i]!, a: a0 + i + 1 });
  for (; j < m; j++) out.push({ op: 'add', text: b[b0 + j]!, b: b0 + j + 1 });
  return out;
}

/** Counts of added and deleted lines. */
export function diffStats(lines: DiffLine[]): { added: number; deleted: number } {
  let added = 0;
  let deleted = 0;
  for (const l of lines) {
    if (l.op === 'add') added++;
    else if (l.op === 'del') deleted++;
  }
  return { added, deleted };
}
