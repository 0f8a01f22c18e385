import { describe, expect, it } from 'vitest';
import { diffLines, diffStats } from '../../site/src/lib/diff.ts';

/** The plan-version line diff the scenario page draws. */
describe('diffLines', () => {
  it('marks added, removed and kept lines with their numbers', () => {
    const lines = diffLines('a\nb\nc\nd\n', 'a\nc\nx\nd\ne\n');
    expect(
      lines.map((l) => `${l.op === 'same' ? ' ' : l.op === 'add' ? '+' : '-'}${l.text}`),
    ).toEqual([' a', '-b', ' c', '+x', ' d', '+e']);
    expect(lines.find((l) => l.text === 'x')).toEqual({ op: 'add', text: 'x', b: 3 });
    expect(lines.find((l) => l.text === 'b')).toEqual({ op: 'del', text: 'b', a: 2 });
    expect(diffStats(lines)).toEqual({ added: 2, deleted: 1 });
  });

  it('rebuilds both texts from its output', () => {
    const before = Array.from({ length: 300 }, (_, i) => `line ${i % 17} ${i % 5}`).join('\n');
    const after = before
      .split('\n')
      .filter((_, i) => i % 7 !== 3)
      .map((l, i) => (i % 11 === 0 ? l + ' changed' : l))
      .join('\n');
    const lines = diffLines(before, after);
    expect(
      lines
        .filter((l) => l.op !== 'add')
        .map((l) => l.text)
        .join('\n'),
    ).toBe(before);
    expect(
      lines
        .filter((l) => l.op !== 'del')
        .map((l) => l.text)
        .join('\n'),
    ).toBe(after);
  });

  it('handles empty sides and identical texts', () => {
    expect(diffLines('', 'x\ny')).toEqual([
      { op: 'add', text: 'x', b: 1 },
      { op: 'add', text: 'y', b: 2 },
    ]);
    expect(diffLines('x', '')).toEqual([{ op: 'del', text: 'x', a: 1 }]);
    expect(diffStats(diffLines('same\ntext', 'same\ntext'))).toEqual({ added: 0, deleted: 0 });
  });
});
