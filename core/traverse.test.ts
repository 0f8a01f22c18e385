import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureTraversable } from '../core/traverse.ts';

describe('ensureTraversable', () => {
  it.skipIf(process.getuid?.() !== 0)(
    'adds only the traverse bit to private ancestors, and says so',
    () => {
      const root = mkdtempSync(path.join(tmpdir(), 'sg-trav-'));
      try {
        const deep = path.join(root, 'a', 'b');
        mkdirSync(deep, { recursive: true, mode: 0o700 });
        const lines: string[] = [];
        ensureTraversable([deep], (l) => lines.push(l));
        for (const d of [root, path.join(root, 'a'), deep])
          expect(statSync(d).mode & 0o777).toBe(0o701);
        expect(lines.some((l) => l.includes(root))).toBe(true);
        lines.length = 0;
        ensureTraversable([deep], (l) => lines.push(l));
        expect(lines).toEqual([]);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  );
});
