import { existsSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listInteractions } from '../../db/interactions.ts';
import { listLogs } from '../../db/logs.ts';
import {
  createScenarioScript,
  taskOf,
  type Task,
} from '../../runner/model-double/scenario-script.ts';
import {
  bash,
  edit,
  read,
  write,
  type ScriptFn,
  type Turn,
} from '../../runner/model-double/script.ts';
import type { AgentName } from '../../bin/compose/agent.ts';
import { createPipelineHarness, type PipelineHarness } from './harness.ts';

/**
 * The agent escape, through the pipeline as a user's run takes it: a planning and an
 * implementation session try to write outside their workspace (absolute path, `../`, a symlink
 * planted in the workspace, the dashboard's served site folder), to edit a file outside, and to
 * run a shell command. Nothing lands; every refused write is recorded on the session and in the
 * run's log; the run itself still deploys. The same attempts run with each agent, Claude Code
 * and Codex.
 */
const SITE_BUILD = path.resolve(import.meta.dirname, '..', '..', 'site', 'build');

let outside: string;
let workspaceOwner: number | undefined;

function attempts(tag: string, cwd: string): Turn[] {
  const list = [
    write(path.join(outside, `abs-${tag}.txt`), 'escaped'),
    write(`../../../../rel-${tag}.txt`, 'escaped'),
    write(path.join(SITE_BUILD, `escape-${tag}.html`), '<script>alert(1)</script>'),
    read(path.join(outside, 'existing.txt')),
    edit(path.join(outside, 'existing.txt'), 'original', 'edited'),
    bash(`touch ${path.join(outside, `bash-${tag}.txt`)}`),
  ];
  if (tag !== 'plan') return list;
  workspaceOwner = statSync(cwd).uid;
  // A symlink planted in the planning workspace, pointing out of it. (In an implementation
  // workspace the bundler refuses such a link and fails the run, which build tests cover.)
  const link = path.join(cwd, 'link');
  if (!existsSync(link)) symlinkSync(outside, link);
  return [...list, write('link/via-link.txt', 'escaped')];
}

/** The competent demo script, preceded in the planning and implementing sessions by the attempts. */
function escapingScript(): ScriptFn {
  const inner = createScenarioScript();
  const tags: Partial<Record<Task, string>> = { plan: 'plan', implement: 'impl' };
  return (ctx) => {
    const tag = tags[taskOf(ctx.prompt)];
    if (!tag || !ctx.cwd) return inner(ctx);
    const list = attempts(tag, ctx.cwd);
    if (ctx.position < list.length) return list[ctx.position]!;
    return inner({ ...ctx, position: ctx.position - list.length });
  };
}

beforeAll(async () => {
  outside = await mkdtemp(path.join(tmpdir(), 'sg-escape-'));
  await chmod(outside, 0o755);
  await writeFile(path.join(outside, 'existing.txt'), 'original\n');
});
afterAll(async () => {
  await rm(outside, { recursive: true, force: true });
});

/**
 * The denials each agent reports. Claude Code refuses by its permission rules (each Write/Edit
 * outside, the symlinked path included); Codex refuses patches outside the project and its
 * sandbox refuses the shell's write, both read from its rollout.
 */
const EXPECTED: Record<AgentName, (template: string, dir: string) => string[]> = {
  'claude-code': (template, dir) => [
    path.join(outside, `abs-`),
    path.join(dir, 'runner', 'rel-'),
    path.join(SITE_BUILD, 'escape-'),
    ...(template === 'initial-plan' ? ['via-link.txt'] : []),
  ],
  codex: (_template, dir) => [
    path.join(outside, `abs-`),
    path.join(dir, 'runner', 'rel-'),
    path.join(SITE_BUILD, 'escape-'),
    path.join(outside, 'existing.txt'),
    path.join(outside, 'bash-'),
  ],
};

describe.each(['claude-code', 'codex'] as const)(
  'pipeline (%s): an agent cannot write outside its workspace',
  (agent) => {
    let h: PipelineHarness;
    beforeAll(async () => {
      await rm(path.join(outside, 'existing.txt'), { force: true });
      await writeFile(path.join(outside, 'existing.txt'), 'original\n');
      h = await createPipelineHarness({ script: escapingScript(), agent });
    });
    afterAll(async () => {
      await h?.close();
    });

    it('refuses and reports every attempt in planning and implementation; the run still deploys', async () => {
      const s = await h.newScenario();
      const run = (await h.pipeline.control.generate(s.id, 'test')) as { id: string };
      expect((await h.deployed(s.id, 180_000)).status).toBe('deployed');
      // As root, the session ran as the agent user, which owned its workspace.
      if (process.getuid?.() === 0) {
        expect(h.pipeline.deps.boundary.runAs?.uid).toBeGreaterThan(0);
        expect(workspaceOwner).toBe(h.pipeline.deps.boundary.runAs?.uid);
      }

      expect(existsSync(path.join(outside, 'via-link.txt'))).toBe(false);
      for (const tag of ['plan', 'impl']) {
        const targets = [
          path.join(outside, `abs-${tag}.txt`),
          path.join(outside, `bash-${tag}.txt`),
          path.join(SITE_BUILD, `escape-${tag}.html`),
        ];
        for (const t of targets) expect(existsSync(t), t).toBe(false);
      }
      expect(readFileSync(path.join(outside, 'existing.txt'), 'utf8')).toBe('original\n');
      // `../../../../` from <DATA_DIR>/runner/sessions/<slug>/<id>/workspace is the runner's root.
      expect(existsSync(path.join(h.dir, 'runner', 'rel-plan.txt'))).toBe(false);
      expect(existsSync(path.join(h.dir, 'runner', 'rel-impl.txt'))).toBe(false);

      const sessions = await listInteractions(h.db.sql, run.id);
      expect(sessions.every((i) => i.agent === agent)).toBe(true);
      for (const template of ['initial-plan', 'implement']) {
        const i = sessions.find((x) => x.promptTemplate === template)!;
        const denied = i.permissionDenials.map((d) => d.path ?? d.tool);
        for (const e of EXPECTED[agent](template, h.dir))
          expect(
            denied.some((d) => d.includes(e)),
            `${template}: ${e} in ${JSON.stringify(denied)}`,
          ).toBe(true);
      }
      const warnings = (await listLogs(h.db.sql, s.id)).filter(
        (l) => l.level === 'warn' && /outside the workspace refused/.test(l.message),
      );
      expect(warnings.map((w) => w.phase)).toEqual(
        expect.arrayContaining(['planning', 'implementing']),
      );
      expect(warnings[0]!.message).toContain(path.join(outside, 'abs-'));
    }, 240_000);
  },
);
