import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.ts';

/**
 * A bad DATABASE_URL or REDIS_URL stops start-up with one line that names what was expected for
 * that setting, and shows the value with its credentials masked.
 */
const PW = 'canary-pw-5e4d3c2b1a';

function message(env: Record<string, string>): string {
  try {
    parseConfig(env);
  } catch (e) {
    expect((e as { code?: string }).code).toBe('config_invalid');
    return (e as Error).message;
  }
  throw new Error('expected a failure');
}

describe('URL settings in errors', () => {
  it.each([
    [
      { DATABASE_URL: `mysql://app:${PW}@db/x` },
      'Invalid setting DATABASE_URL="mysql://app:***@db/x": expected a URL starting with postgres:// or postgresql://.',
    ],
    [
      { REDIS_URL: `postgres://:${PW}@r:6379` },
      'Invalid setting REDIS_URL="postgres://:***@r:6379": expected a URL starting with redis:// or rediss://.',
    ],
    [
      { DATABASE_URL: `postgres://app:${PW}@bad host:5432/x` },
      'Invalid setting DATABASE_URL="postgres://app:***@bad host:5432/x": expected a valid URL such as postgres://user:password@host:5432/db (characters such as @ : / # in a password must be percent-encoded).',
    ],
    [
      // An unencoded / and @ in the password: the host would be a piece of the password.
      { DATABASE_URL: `postgresql://app:${PW}@x/y@db:5432/x` },
      'Invalid setting DATABASE_URL="postgresql://app:***@db:5432/x": expected a valid URL such as postgres://user:password@host:5432/db (characters such as @ : / # in a password must be percent-encoded).',
    ],
    [
      { REDIS_URL: `rediss://:${PW}@[bad:6379` },
      'Invalid setting REDIS_URL="rediss://:***@[bad:6379": expected a valid URL such as redis://:password@host:6379 (characters such as @ : / # in a password must be percent-encoded).',
    ],
    [
      { S3_ENDPOINT: `ftp://key:${PW}@s3:9000` },
      'Invalid setting S3_ENDPOINT="ftp://key:***@s3:9000": expected a URL starting with http:// or https://.',
    ],
  ])('%j', (env, expected) => {
    const m = message(env);
    expect(m).toBe(expected);
    expect(m).not.toContain(PW);
  });

  it('accepts both schemes of each', () => {
    for (const scheme of ['postgres', 'postgresql'])
      expect(parseConfig({ DATABASE_URL: `${scheme}://u:p%40w@db:5432/x` }).DATABASE_URL).toBe(
        `${scheme}://u:p%40w@db:5432/x`,
      );
    for (const scheme of ['redis', 'rediss'])
      expect(parseConfig({ REDIS_URL: `${scheme}://:pw@r:6379/0` }).REDIS_URL).toBe(
        `${scheme}://:pw@r:6379/0`,
      );
  });
});
