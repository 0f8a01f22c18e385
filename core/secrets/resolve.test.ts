import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeVault, type FakeVault } from '../../test/support/fake-vault.ts';
import { parseConfig } from '../config.ts';
import { loadConfig } from './load.ts';
import { resolveSecrets } from './resolve.ts';

const KEY = 'sk-ant-CANARY-resolve-0123456789';
const TOKEN = 'access-CANARY-0123456789abcdef';
const DB_PW = 'db-CANARY-pw-0123';
const VAULT_TOKEN = 'hvs.CANARY-vault-token-0123';

/** Runs `fn`, expecting a config_invalid error; returns its message. */
async function failure(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (e) {
    expect((e as { code?: string }).code).toBe('config_invalid');
    return (e as Error).message;
  }
  throw new Error('expected a failure');
}

function expectNoSecret(message: string): void {
  for (const s of [KEY, TOKEN, DB_PW, VAULT_TOKEN, 'wrong-token-0123456789']) {
    expect(message).not.toContain(s);
  }
  expect(message.split('\n')).toHaveLength(1);
}

describe('secrets from NAME_FILE', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sg-secrets-'));
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    writeFileSync(p, text, { mode: 0o600 });
    return p;
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads each secret from its file (one trailing newline dropped) and records the source', async () => {
    const { config, env } = await loadConfig({
      ACCESS_TOKEN_FILE: file('token', `${TOKEN}\n`),
      ANTHROPIC_API_KEY_FILE: file('key', KEY),
      DATABASE_URL_FILE: file('db', `postgres://app:${DB_PW}@db:5432/x\n`),
      WEBHOOK_SECRET: 'hook-0123456789abcdef',
    });
    expect(config.ACCESS_TOKEN).toBe(TOKEN);
    expect(config.DATABASE_URL).toBe(`postgres://app:${DB_PW}@db:5432/x`);
    expect(env.ANTHROPIC_API_KEY).toBe(KEY);
    expect(env.ACCESS_TOKEN_FILE).toBeUndefined();
    expect(config.secretSources).toMatchObject({
      ACCESS_TOKEN: 'file',
      ANTHROPIC_API_KEY: 'file',
      DATABASE_URL: 'file',
      WEBHOOK_SECRET: 'env',
      REDIS_URL: 'unset',
    });
  });

  it('refuses NAME and NAME_FILE together', async () => {
    const msg = await failure(() =>
      resolveSecrets({ ACCESS_TOKEN: TOKEN, ACCESS_TOKEN_FILE: file('t2', TOKEN) }),
    );
    expect(msg).toBe(
      'Invalid setting ACCESS_TOKEN_FILE: ACCESS_TOKEN is set too; set only one of them.',
    );
  });

  it('says clearly when the file is missing, empty, a folder or unreadable', async () => {
    const missing = path.join(dir, 'nope');
    expect(await failure(() => resolveSecrets({ WEBHOOK_SECRET_FILE: missing }))).toBe(
      `Invalid setting WEBHOOK_SECRET_FILE="${missing}": no such file.`,
    );
    expect(
      await failure(() => resolveSecrets({ WEBHOOK_SECRET_FILE: file('empty', '\n') })),
    ).toMatch(/WEBHOOK_SECRET_FILE=".*empty": the file is empty\.$/);
    const sub = path.join(dir, 'sub');
    mkdirSync(sub);
    expect(await failure(() => resolveSecrets({ WEBHOOK_SECRET_FILE: sub }))).toMatch(
      /it is a folder/,
    );
    if (process.getuid?.() !== 0) {
      const locked = file('locked', TOKEN);
      chmodSync(locked, 0o000);
      expect(await failure(() => resolveSecrets({ WEBHOOK_SECRET_FILE: locked }))).toMatch(
        /permission denied/,
      );
    }
  });

  it('keeps a secret read from a file out of the config error it fails', async () => {
    const msg = await failure(() => loadConfig({ ACCESS_TOKEN_FILE: file('short', 'short-ish') }));
    expect(msg).toBe('Invalid setting ACCESS_TOKEN=(hidden): expected at least 16 characters.');
    const url = await failure(() =>
      loadConfig({ DATABASE_URL_FILE: file('badurl', `postgres://app:${DB_PW}@bad host/x`) }),
    );
    expect(url).toContain('postgres://app:***@bad host/x');
    expectNoSecret(url);
  });

  it('refuses unresolved references when the config is parsed directly', () => {
    expect(() => parseConfig({ ACCESS_TOKEN_FILE: '/x' })).toThrow(/resolved only at start/);
    expect(() => parseConfig({ ACCESS_TOKEN: 'vault:secret/app#token' })).toThrow(
      /resolved only at start/,
    );
  });
});

describe('secrets from Vault (KV v2, against a fake of its read route)', () => {
  let vault: FakeVault;
  beforeAll(async () => {
    vault = await startFakeVault(VAULT_TOKEN, {
      'secret/scenario-gen': { access_token: TOKEN, anthropic: KEY },
      'kv/team/db': { url: `postgres://app:${DB_PW}@db:5432/x`, count: 3 },
    });
  });
  afterAll(() => vault.close());

  const base = () => ({ VAULT_ADDR: vault.url, VAULT_TOKEN });

  it('resolves vault: references, reading each secret once', async () => {
    vault.requests.length = 0;
    const { config, env } = await loadConfig({
      ...base(),
      ACCESS_TOKEN: 'vault:secret/scenario-gen#access_token',
      ANTHROPIC_API_KEY: 'vault:secret/scenario-gen#anthropic',
      DATABASE_URL: 'vault:kv/team/db#url',
    });
    expect(config.ACCESS_TOKEN).toBe(TOKEN);
    expect(env.ANTHROPIC_API_KEY).toBe(KEY);
    expect(config.DATABASE_URL).toBe(`postgres://app:${DB_PW}@db:5432/x`);
    expect(config.secretSources).toMatchObject({
      ACCESS_TOKEN: 'vault',
      ANTHROPIC_API_KEY: 'vault',
      DATABASE_URL: 'vault',
      WEBHOOK_SECRET: 'unset',
    });
    expect(vault.requests.sort()).toEqual(['/v1/kv/data/team/db', '/v1/secret/data/scenario-gen']);
  });

  it('takes the token from VAULT_TOKEN_FILE', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sg-vault-'));
    writeFileSync(path.join(dir, 'token'), `${VAULT_TOKEN}\n`);
    try {
      const { config } = await loadConfig({
        VAULT_ADDR: vault.url,
        VAULT_TOKEN_FILE: path.join(dir, 'token'),
        WEBHOOK_SECRET: 'vault:secret/scenario-gen#access_token',
      });
      expect(config.WEBHOOK_SECRET).toBe(TOKEN);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a wrong token is a clear error that shows no token', async () => {
    const msg = await failure(() =>
      resolveSecrets({
        VAULT_ADDR: vault.url,
        VAULT_TOKEN: 'wrong-token-0123456789',
        ACCESS_TOKEN: 'vault:secret/scenario-gen#access_token',
      }),
    );
    expect(msg).toBe(
      'Cannot read ACCESS_TOKEN from Vault (secret/scenario-gen#access_token): the token was refused (403); check VAULT_TOKEN and its policy.',
    );
    expectNoSecret(msg);
  });

  it('a missing key, a missing secret and a non-string value are clear errors', async () => {
    const missingKey = await failure(() =>
      resolveSecrets({ ...base(), ACCESS_TOKEN: 'vault:secret/scenario-gen#nope' }),
    );
    expect(missingKey).toBe(
      'Cannot read ACCESS_TOKEN from Vault (secret/scenario-gen#nope): the secret has no key "nope".',
    );
    expectNoSecret(missingKey);
    expect(
      await failure(() => resolveSecrets({ ...base(), ACCESS_TOKEN: 'vault:secret/other#x' })),
    ).toMatch(/\(secret\/other#x\): no such secret \(404\)/);
    const notText = await failure(() =>
      resolveSecrets({ ...base(), S3_SECRET_KEY: 'vault:kv/team/db#count' }),
    );
    expect(notText).toMatch(/the key "count" does not hold a non-empty string/);
  });

  it('says what is missing: the address, the token, a well-formed reference', async () => {
    expect(
      await failure(() => resolveSecrets({ VAULT_TOKEN, ACCESS_TOKEN: 'vault:secret/a#b' })),
    ).toMatch(/ACCESS_TOKEN: it is a vault: reference, so VAULT_ADDR must be set/);
    expect(
      await failure(() =>
        resolveSecrets({ VAULT_ADDR: vault.url, ACCESS_TOKEN: 'vault:secret/a#b' }),
      ),
    ).toMatch(/VAULT_TOKEN or VAULT_TOKEN_FILE must be set/);
    expect(
      await failure(() => resolveSecrets({ ...base(), ACCESS_TOKEN: 'vault:secret#b' })),
    ).toMatch(/expected a Vault reference vault:MOUNT\/PATH#KEY/);
    expect(
      await failure(() =>
        resolveSecrets({ ...base(), VAULT_TOKEN_FILE: '/x', ACCESS_TOKEN: 'vault:secret/a#b' }),
      ),
    ).toMatch(/VAULT_TOKEN_FILE: VAULT_TOKEN is set too/);
  });

  it('an unreachable Vault is named without credentials in its address', async () => {
    const msg = await failure(() =>
      resolveSecrets({
        VAULT_ADDR: `http://ops:${DB_PW}@127.0.0.1:1`,
        VAULT_TOKEN,
        ACCESS_TOKEN: 'vault:secret/a#b',
      }),
    );
    expect(msg).toMatch(/cannot reach VAULT_ADDR=http:\/\/ops:\*\*\*@127\.0\.0\.1:1/);
    expectNoSecret(msg);
  });
});
