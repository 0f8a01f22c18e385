import { describe, expect, it } from 'vitest';
import { partsOf } from './parts.ts';

async function regroup(chunks: string[], size: number): Promise<[string, boolean][]> {
  async function* source(): AsyncGenerator<Buffer> {
    for (const c of chunks) yield Buffer.from(c);
  }
  const out: [string, boolean][] = [];
  for await (const part of partsOf(source(), size)) out.push([part.data.toString(), part.last]);
  return out;
}

describe('partsOf', () => {
  it('cuts exact parts across chunk boundaries and marks only the last', async () => {
    expect(await regroup(['ab', 'cde', 'f', 'ghij', 'k'], 4)).toEqual([
      ['abcd', false],
      ['efgh', false],
      ['ijk', true],
    ]);
  });

  it('keeps a body of exactly one part as a single last part', async () => {
    expect(await regroup(['ab', 'cd'], 4)).toEqual([['abcd', true]]);
    expect(await regroup(['abcdefgh'], 4)).toEqual([
      ['abcd', false],
      ['efgh', true],
    ]);
  });

  it('yields one empty last part for an empty body', async () => {
    expect(await regroup([], 4)).toEqual([['', true]]);
    expect(await regroup(['', ''], 4)).toEqual([['', true]]);
  });
});
