import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/secrets/load.ts';
import { startFakeVault, type FakeVault } from '../support/fake-vault.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

/**
 * The settings API says where each secret came from (env, file, vault, unset) and no response
 * carries a secret: the values are canaries looked for in every answer.
 */
const TOKEN = 'canary-token-6f1d2c9a8b7e4d3c';
const HOOK = 'canary-hook-1a2b3c4d5e6f7a8b';
const KEY = 'sk-ant-canary-api-9e8d7c6b5a4f';
const VAULT_TOKEN = 'hvs.canary-vault-0a1b2c3d';

describe('secret sources in the settings API', () => {
  let t: TestApp;
  let vault: FakeVault;
  const dir = mkdtempSync(path.join(tmpdir(), 'sg-sources-'));
  const auth = { authorization: `Bearer ${TOKEN}` };

  beforeAll(async () => {
    vault = await startFakeVault(VAULT_TOKEN, { 'secret/sg': { hook: HOOK } });
    writeFileSync(path.join(dir, 'token'), `${TOKEN}\n`);
    const { config } = await loadConfig({
      DATA_DIR: dir,
      ACCESS_TOKEN_FILE: path.join(dir, 'token'),
      WEBHOOK_SECRET: 'vault:secret/sg#hook',
      VAULT_ADDR: vault.url,
      VAULT_TOKEN,
      ANTHROPIC_API_KEY: KEY,
    });
    t = await createTestApp({}, { config });
  });
  afterAll(async () => {
    await t?.close();
    await vault?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists every secret setting with its source, and nothing else about it', async () => {
    const r = await t.call('GET', '/api/settings', undefined, auth);
    expect(r.status).toBe(200);
    const sources = Object.fromEntries(
      (r.json.secrets as { name: string; source: string }[]).map((s) => [s.name, s.source]),
    );
    expect(sources).toEqual({
      ANTHROPIC_API_KEY: 'env',
      CLAUDE_CODE_OAUTH_TOKEN: 'unset',
      ACCESS_TOKEN: 'file',
      WEBHOOK_SECRET: 'vault',
      INNGEST_SIGNING_KEY: 'unset',
      INNGEST_EVENT_KEY: 'unset',
      S3_ACCESS_KEY: 'unset',
      S3_SECRET_KEY: 'unset',
      DATABASE_URL: 'unset',
      REDIS_URL: 'unset',
      UPSTASH_REDIS_REST_TOKEN: 'unset',
    });
    for (const s of r.json.secrets as object[])
      expect(Object.keys(s).sort()).toEqual(['name', 'source']);
  });

  it('no answer of the read API carries a secret', async () => {
    for (const p of [
      '/api/settings',
      '/api/meta',
      '/api/health',
      '/api/ready',
      '/api/profiles',
      '/api/analytics',
    ]) {
      const r = await t.call('GET', p, undefined, auth);
      expect(r.status, p).toBe(200);
      const body = JSON.stringify(r.json);
      for (const secret of [TOKEN, HOOK, KEY, VAULT_TOKEN]) expect(body, p).not.toContain(secret);
    }
  });
});
