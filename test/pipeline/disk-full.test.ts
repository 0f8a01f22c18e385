import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listInteractions } from '../../db/interactions.ts';
import { getRun } from '../../db/runs.ts';
import { createPipelineHarness, type PipelineHarness } from './harness.ts';

/**
 * A full disk under DATA_DIR: folders of the data dir are 2 MiB tmpfs mounts filled to the last
 * byte. The run fails as `disk_full` with a message that names the disk and DATA_DIR, and no
 * session whose transcript could not be written counts as a success. Before the fix, sessions
 * "succeeded" without transcripts and the run failed as `store_error`/`internal` (with the
 * workspaces full too: "no paths specified to add to archive"). Needs root for the mounts;
 * skipped without it.
 */
const canMount = ((): boolean => {
  // Root is not enough in a container without CAP_SYS_ADMIN: try a mount.
  if (process.getuid?.() !== 0) return false;
  const probe = mkdtempSync(path.join(tmpdir(), 'sg-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
})();

function fullDisk(dir: string): void {
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir]);
  try {
    execFileSync('dd', ['if=/dev/zero', `of=${path.join(dir, 'filler')}`, 'bs=64k'], {
      stdio: 'ignore',
    });
  } catch {
    // dd stops on ENOSPC: the disk is full, as intended.
  }
  const free = execFileSync('df', ['--output=avail', '-B1', dir]).toString();
  if (Number(free.trim().split('\n').pop()) >= 4096) throw new Error(`${dir} is not full`);
}

for (const c of [
  { name: 'the object store (transcripts, bundles)', folders: ['objects'] },
  { name: 'all of DATA_DIR (objects and workspaces)', folders: ['objects', 'runner/sessions'] },
]) {
  describe.skipIf(!canMount)(`pipeline: a full disk under ${c.name}`, () => {
    let h: PipelineHarness;
    const mounted: string[] = [];
    beforeAll(async () => {
      h = await createPipelineHarness();
      for (const f of c.folders) {
        const dir = path.join(h.dir, f);
        fullDisk(dir);
        mounted.push(dir);
      }
    }, 60_000);
    afterAll(async () => {
      for (const dir of mounted.reverse()) execFileSync('umount', ['-l', dir]);
      await h?.close();
    });

    it('fails the run as disk_full naming the disk and DATA_DIR; no session succeeds', async () => {
      const s = await h.newScenario();
      const run = (await h.pipeline.control.generate(s.id, 'test')) as { id: string };
      const done = await h.waitFor(s.id, ['deployed', 'failed', 'cancelled'], 120_000);
      expect(done.status).toBe('failed');
      const r = await getRun(h.db.sql, run.id);
      expect(r.failureClass).toBe('disk_full');
      expect(r.error).toMatch(/Disk full: could not write .* in \/.* \(ENOSPC/);
      expect(r.error).toContain('DATA_DIR');
      expect(mounted.some((dir) => r.error!.includes(dir))).toBe(true);
      expect(r.error).not.toMatch(/no paths specified/);
      const sessions = await listInteractions(h.db.sql, run.id);
      expect(sessions.every((i) => i.outcome !== 'success')).toBe(true);
    }, 150_000);
  });
}
