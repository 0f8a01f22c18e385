import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipelineHarness, type PipelineHarness } from './harness.ts';

/**
 * The external validator and the deploy command run what a model wrote (or run on it): through
 * the pipeline, as root, both run as the agent user. Each script tries to write into a folder the
 * server owns, and records who it ran as in a folder anyone may write.
 */
const asRoot = process.getuid?.() === 0;
let outside: string;
let h: PipelineHarness;

const probeScript = (tag: string, outsideDir: string) => `#!/usr/bin/env bash
id -u > "${outsideDir}/probe/${tag}-uid"
touch "${outsideDir}/${tag}-escape.txt" 2>/dev/null && echo "[WARNING] wrote outside" || true
echo "[SUCCESS] ${tag} done"
exit 0
`;

beforeAll(async () => {
  outside = await mkdtemp(path.join(tmpdir(), 'sg-cmd-boundary-'));
  await chmod(outside, 0o755);
  await mkdir(path.join(outside, 'probe'));
  await chmod(path.join(outside, 'probe'), 0o777);
  for (const tag of ['validator', 'deploy']) {
    await writeFile(path.join(outside, `${tag}.sh`), probeScript(tag, outside), { mode: 0o755 });
  }
  h = await createPipelineHarness({
    env: {
      EXTERNAL_VALIDATOR: JSON.stringify(['bash', path.join(outside, 'validator.sh'), '{name}']),
      DEPLOY_TARGET: 'command',
      DEPLOY_COMMAND: JSON.stringify(['bash', path.join(outside, 'deploy.sh'), '{dir}']),
    },
  });
});
afterAll(async () => {
  await h?.close();
  await rm(outside, { recursive: true, force: true });
});

describe.skipIf(!asRoot)(
  'pipeline: external validator and deploy command as the agent user',
  () => {
    it('both run as AGENT_USER and cannot write into the server’s folders', async () => {
      const s = await h.newScenario();
      await h.pipeline.control.generate(s.id, 'test');
      const done = await h.waitFor(s.id, ['deployed', 'failed', 'cancelled'], 180_000);
      if (done.status !== 'deployed')
        console.log(
          JSON.stringify(await h.db.sql`SELECT validator, findings FROM validation_results`),
        );
      expect(done.status, done.error ?? '').toBe('deployed');
      const agentUid = h.pipeline.deps.boundary.runAs?.uid;
      expect(agentUid).toBeGreaterThan(0);
      for (const tag of ['validator', 'deploy']) {
        expect(readFileSync(path.join(outside, 'probe', `${tag}-uid`), 'utf8').trim(), tag).toBe(
          String(agentUid),
        );
        expect(existsSync(path.join(outside, `${tag}-escape.txt`)), tag).toBe(false);
      }
    }, 240_000);
  },
);
