import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createScenarioScript } from './scenario-script.ts';
import type { TurnContext } from './script.ts';

/**
 * The demo script serves many sessions at once (runs go on in parallel): each request is answered
 * from its own session's turns, found by its workspace, never from the session that started last.
 */
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function ctx(slug: string, cwd: string, position: number): TurnContext {
  return {
    scriptId: 'demo',
    position,
    prompt: `# Build a Vrooli scenario\n\nYou are implementing the Vrooli scenario \`${slug}\` in the current working directory.\n- Title: ${slug}\n`,
    cwd,
    model: 'm',
    toolNames: ['Write', 'Read'],
    lastToolResults: [],
    lastUserText: '',
  };
}

const pathOf = (turn: unknown) => (turn as { input?: { file_path?: string } }).input?.file_path;
const contentOf = (turn: unknown) =>
  String((turn as { input?: { content?: unknown } }).input?.content);

describe('the demo script with sessions at once', () => {
  it('answers each request from its own session, whichever started last', () => {
    const script = createScenarioScript();
    const a = mkdtempSync(path.join(tmpdir(), 'sg-script-a-'));
    const b = mkdtempSync(path.join(tmpdir(), 'sg-script-b-'));
    dirs.push(a, b);
    const firstA = script(ctx('alpha-app', a, 0));
    const firstB = script(ctx('beta-app', b, 0));
    // A's later turns, asked after B started: still alpha's files.
    for (let i = 1; i < 6; i++) {
      const turnA = script(ctx('alpha-app', a, i));
      const turnB = script(ctx('beta-app', b, i));
      if (pathOf(turnA)) expect(contentOf(turnA)).not.toMatch(/beta/);
      if (pathOf(turnB)) expect(contentOf(turnB)).not.toMatch(/alpha/);
    }
    expect(contentOf(firstA)).not.toMatch(/beta/);
    expect(contentOf(firstB)).not.toMatch(/alpha/);
    const schemaA = [0, 1, 2, 3, 4, 5, 6, 7]
      .map((i) => script(ctx('alpha-app', a, i)))
      .find((t) => pathOf(t)?.endsWith('schema.sql'));
    expect(contentOf(schemaA)).toContain('alpha_app_entries');
  });
});
