import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeBoundary, lookupUser, resolveBoundary } from './identity.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sg-ident-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the agent user', () => {
  it('is read from the passwd database', async () => {
    const passwd = path.join(dir, 'passwd');
    await writeFile(
      passwd,
      'root:x:0:0:root:/root:/bin/bash\nscenario-agent:x:998:997::/nonexistent:/usr/sbin/nologin\n',
    );
    expect(await lookupUser('scenario-agent', passwd)).toEqual({
      user: 'scenario-agent',
      uid: 998,
      gid: 997,
    });
    expect(await lookupUser('scenario', passwd)).toBeUndefined();
  });

  it('is not switched to when the server is not root, and the log says why', async () => {
    const b = await resolveBoundary('scenario-agent', 1000);
    expect(b).toMatchObject({ kind: 'same', uid: 1000 });
    expect(describeBoundary(b)).toMatch(/runs as this server's own user: the server is not root/);
  });

  it.skipIf(process.getuid?.() !== 0)(
    'is created on first use as root, unprivileged, and reused after',
    async () => {
      const name = `sg-t${process.pid % 100000}`;
      try {
        const b = await resolveBoundary(name, 0);
        expect(b.kind).toBe('user');
        if (b.kind !== 'user') return;
        expect(b.runAs.uid).toBeGreaterThan(0);
        expect(b.runAs.gid).toBeGreaterThan(0);
        expect(await resolveBoundary(name, 0)).toEqual(b);
        expect(describeBoundary(b)).toContain(`runs as user ${name}`);
      } finally {
        const { execa } = await import('execa');
        await execa('userdel', [name], { reject: false });
      }
    },
  );

  it('refuses root as the agent user', async () => {
    await expect(resolveBoundary('root', 0)).rejects.toThrow(/must not run as root/);
  });
});
