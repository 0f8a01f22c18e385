import { describe, expect, it } from 'vitest';
import { parseConfig, settingsTable } from './config.ts';

describe('config', () => {
  it('has working defaults for an empty environment', () => {
    const c = parseConfig({}, '/srv/app');
    expect(c.HOST).toBe('127.0.0.1');
    expect(c.PORT).toBe(3000);
    expect(c.dataDir).toBe('/srv/app/data');
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.loopback).toBe(true);
    expect(c.USAGE_LIMIT_BACKOFF).toBe(15 * 60_000);
    expect(c.AGENT_ENV_ALLOWLIST).toContain('ANTHROPIC_API_KEY');
    expect(c.SEED_SAMPLES).toBe(true);
  });

  it.each([
    [{ PORT: 'abc' }, /^Invalid setting PORT="abc": expected an integer from 0 to 65535\.$/],
    [{ PORT: '70000' }, /PORT="70000": expected an integer/],
    [
      { DATABASE_URL: 'mysql://x' },
      /DATABASE_URL="mysql:\/\/x": expected a URL starting with postgres:\/\//,
    ],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL="loud": expected one of debug, info, warn, error/],
    [{ USAGE_LIMIT_BACKOFF: '10 minutes' }, /USAGE_LIMIT_BACKOFF.*a duration/],
    [
      { HOST: '0.0.0.0' },
      /HOST="0.0.0.0": binding a non-loopback address requires AUTH_MODE=accounts or ACCESS_TOKEN/,
    ],
    [{ AUTH_MODE: 'open' }, /AUTH_MODE="open": expected one of none, accounts/],
    [{ ACCESS_TOKEN: 'short' }, /ACCESS_TOKEN=\(hidden\): expected at least 16 characters/],
    [{ S3_ENDPOINT: 'http://127.0.0.1:9000' }, /S3_ACCESS_KEY and S3_SECRET_KEY/],
    [
      { DEPLOY_COMMAND: 'rm -rf /' },
      /DEPLOY_COMMAND="rm -rf \/": expected a JSON array of strings/,
    ],
  ])('rejects %j with one readable line', (env, message) => {
    expect(() => parseConfig(env)).toThrow(message);
  });

  it('accepts a non-loopback host with a token, and argv commands', () => {
    const c = parseConfig({
      HOST: '0.0.0.0',
      ACCESS_TOKEN: 'x'.repeat(20),
      DEPLOY_COMMAND: '["./d.sh","{dir}"]',
    });
    expect(c.loopback).toBe(false);
    expect(c.DEPLOY_COMMAND).toEqual(['./d.sh', '{dir}']);
  });

  it('accepts a non-loopback host in accounts mode; none stays the default', () => {
    expect(parseConfig({}).AUTH_MODE).toBe('none');
    const c = parseConfig({ HOST: '0.0.0.0', AUTH_MODE: 'accounts' });
    expect(c.AUTH_MODE).toBe('accounts');
    expect(c.SESSION_TTL).toBe(12 * 3_600_000);
  });

  it('documents every setting', () => {
    const table = settingsTable();
    for (const name of [
      'HOST',
      'PORT',
      'DATABASE_URL',
      'REDIS_URL',
      'S3_ENDPOINT',
      'ACCESS_TOKEN',
    ]) {
      expect(table).toContain(`\`${name}\``);
    }
  });
});

describe('secretsOf', () => {
  it('lists configured secrets and passwords inside URLs, never short or empty values', async () => {
    const { secretsOf } = await import('./config.ts');
    const c = parseConfig({
      ACCESS_TOKEN: 'token-0123456789abcdef',
      WEBHOOK_SECRET: 'hook-0123456789abcdef',
      DATABASE_URL: 'postgres://u:p%40ss-word@db:5432/x',
      REDIS_URL: 'redis://:redispass1@r:6379',
      HOST: '0.0.0.0',
    });
    expect(
      secretsOf(c, { ANTHROPIC_API_KEY: 'sk-ant-xyz-123', CLAUDE_CODE_OAUTH_TOKEN: '' }).sort(),
    ).toEqual(
      [
        'hook-0123456789abcdef',
        'p@ss-word',
        'p%40ss-word',
        'redispass1',
        'sk-ant-xyz-123',
        'token-0123456789abcdef',
      ].sort(),
    );
  });
});
