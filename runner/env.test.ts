import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildAgentEnv, credentialHint, DEFAULT_ENV_ALLOW_LIST } from './env.ts';
import { createRedactor, REDACTED, secretValues } from './redact.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('buildAgentEnv', () => {
  it('copies only allow-listed, non-empty variables and never HOME', () => {
    const env = buildAgentEnv(
      {
        PATH: '/bin',
        DATABASE_URL: 'postgres://secret',
        CANARY: 'x',
        ANTHROPIC_API_KEY: 'k',
        LANG: '',
        HOME: '/root',
      },
      [...DEFAULT_ENV_ALLOW_LIST, 'HOME'],
    );
    expect(env).toEqual({ PATH: '/bin', ANTHROPIC_API_KEY: 'k' });
  });

  it('rejects a malformed name in a configured list', () => {
    expect(() => buildAgentEnv({}, ['PATH', 'A=B'])).toThrow(/Not an environment variable name/);
  });
});

describe('credentialHint', () => {
  it('says nothing when a key or token is present', () => {
    expect(credentialHint({ CLAUDE_CODE_OAUTH_TOKEN: 'tok' }, '/nonexistent')).toBeUndefined();
  });

  it('explains claude setup-token to a user logged in under ~/.claude', async () => {
    const home = await mkdtemp(path.join(tmpdir(), 'sg-home-'));
    dirs.push(home);
    expect(credentialHint({}, home)).toMatch(/^No Claude credentials/);
    await mkdir(path.join(home, '.claude'));
    const hint = credentialHint({}, home);
    expect(hint).toContain('claude setup-token');
    expect(hint).toContain('CLAUDE_CODE_OAUTH_TOKEN');
    expect(hint).toContain(path.join(home, '.claude'));
  });
});

describe('redaction', () => {
  const r = createRedactor(
    secretValues({ ANTHROPIC_API_KEY: 'sk-ant-test-CANARY-123', PATH: '/bin' }, [
      'hunter2-longer',
      'short',
    ]),
  );

  it('removes credential values and configured secrets from text and JSON', () => {
    expect(r.text('key=sk-ant-test-CANARY-123; pw hunter2-longer; short stays')).toBe(
      `key=${REDACTED}; pw ${REDACTED}; short stays`,
    );
    expect(r.value({ a: ['x sk-ant-test-CANARY-123'], n: 3, b: { c: 'hunter2-longer' } })).toEqual({
      a: [`x ${REDACTED}`],
      n: 3,
      b: { c: REDACTED },
    });
    expect(r.contains('..sk-ant-test-CANARY-123..')).toBe(true);
    expect(r.contains('clean')).toBe(false);
  });

  it('catches the JSON-escaped form inside raw lines', () => {
    const q = createRedactor(['pa"ss\\word-123']);
    const line = JSON.stringify({ env: 'X=pa"ss\\word-123' });
    expect(q.text(line)).toBe(JSON.stringify({ env: `X=${REDACTED}` }));
  });

  it('is the identity without secrets', () => {
    const none = createRedactor([]);
    const o = { a: 'sk-ant' };
    expect(none.value(o)).toBe(o);
  });
});
