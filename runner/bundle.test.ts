import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFsStore } from '../core/store/fs.ts';
import { packBundle, readBundleFile, unpackBundle } from './bundle.ts';

describe('bundles', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sg-bundle-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trip a folder byte for byte with modes, skip agent scratch, and read single files', async () => {
    const store = createFsStore(path.join(dir, 'store'));
    await store.init();
    const src = path.join(dir, 'src');
    mkdirSync(path.join(src, '.vrooli'), { recursive: true });
    mkdirSync(path.join(src, '.claude'), { recursive: true });
    writeFileSync(path.join(src, '.vrooli/service.json'), '{"service":{"name":"x"}}');
    writeFileSync(path.join(src, 'test.sh'), '#!/bin/sh\necho ok\n');
    chmodSync(path.join(src, 'test.sh'), 0o755);
    writeFileSync(path.join(src, 'bin.dat'), Buffer.from(Array.from({ length: 256 }, (_, i) => i)));
    writeFileSync(path.join(src, '.claude/state.json'), '{}');
    const info = await packBundle(store, src, 'runs/r1/bundles/implementing-1.tar.gz');
    expect(info.manifest.map((m) => m.path)).toEqual([
      '.vrooli/service.json',
      'bin.dat',
      'test.sh',
    ]);
    expect(info.manifest.find((m) => m.path === 'test.sh')!.mode).toBe(0o755);

    const out = path.join(dir, 'out');
    await unpackBundle(store, info.key, out);
    for (const m of info.manifest)
      expect(readFileSync(path.join(out, m.path))).toEqual(readFileSync(path.join(src, m.path)));
    expect(statSync(path.join(out, 'test.sh')).mode & 0o777).toBe(0o755);
    expect(() => statSync(path.join(out, '.claude'))).toThrow();
    expect((await readBundleFile(store, info.key, '.vrooli/service.json')).toString()).toBe(
      '{"service":{"name":"x"}}',
    );
    await expect(readBundleFile(store, info.key, 'nope.txt')).rejects.toThrow(/No file/);
  });
});
