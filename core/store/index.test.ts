import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { createObjectStore } from './index.ts';

it('chooses the adapter from the config kind', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'store-index-'));
  try {
    const fs = await createObjectStore({ kind: 'fs', root: path.join(dir, 'objects') });
    expect(fs.kind).toBe('fs');
    await fs.init();
    await fs.put('a/b', 'x');
    expect(await readdir(path.join(dir, 'objects', 'a'))).toContain('b.~obj');
    const s3 = await createObjectStore({
      kind: 's3',
      endPoint: '127.0.0.1',
      port: 9,
      useSSL: false,
      accessKey: 'k',
      secretKey: 's',
      bucket: 'unused-bucket',
    });
    expect(s3.kind).toBe('s3');
    await s3.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
