import { randomBytes, randomUUID } from 'node:crypto';
import {
  chmodSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sign } from '../functions/webhook-signature.ts';
import { createScenarioScript } from '../runner/model-double/scenario-script.ts';
import { startModelDouble, type ModelDouble } from '../runner/model-double/server.ts';
import { createTestDb, type TestDb } from './support/db.ts';
import { startFakeVault, type FakeVault } from './support/fake-vault.ts';
import { startServer, type Server } from './support/server.ts';

/**
 * A scan of the whole data folder, the database, logs and SSE captures for a canary key and a
 * canary password finds nothing.
 *
 * `scenario-gen start` runs as a user runs it, around a fresh DATA_DIR and a database schema of
 * its own, with a canary ANTHROPIC_API_KEY (the real claude CLI sends it to the model double,
 * which refuses any other), a canary ACCESS_TOKEN read from ACCESS_TOKEN_FILE, and a canary
 * WEBHOOK_SECRET read from Vault (a fake of its KV v2 route) with a canary Vault token. One
 * generation is started through the signed webhook and runs to its deploy while both SSE streams
 * are captured; then every file, every row, the server's log, the captures and the API's answers
 * are searched for each canary, whole and by its random tail.
 */
const tail = () => randomBytes(12).toString('hex');
const CANARIES = {
  key: `sk-ant-api03-canary-${tail()}`,
  accessToken: `canary-access-${tail()}`,
  webhookSecret: `canary-hook-${tail()}`,
  vaultToken: `hvs.canary-${tail()}`,
};
/** What is searched: each canary, and its last 16 characters (a truncated copy is a leak too). */
const NEEDLES = Object.entries(CANARIES).flatMap(([name, value]) => [
  { name, text: value },
  { name: `${name} (tail)`, text: value.slice(-16) },
]);

function findCanaries(where: string, text: string | Buffer): string[] {
  const buf = typeof text === 'string' ? Buffer.from(text) : text;
  return NEEDLES.filter((n) => buf.includes(n.text)).map((n) => `${n.name} in ${where}`);
}

/** A file's bytes as stored, and unpacked when gzipped (bundles and archives are .tar.gz). */
function readForScan(file: string): Buffer[] {
  const raw = readFileSync(file);
  return raw[0] === 0x1f && raw[1] === 0x8b ? [raw, gunzipSync(raw)] : [raw];
}

/** Every regular file under `dir` (symlinks are not followed: they point outside). */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const p = path.join(dir, entry);
    const st = lstatSync(p);
    if (st.isDirectory()) out.push(...filesUnder(p));
    else if (st.isFile()) out.push(p);
  }
  return out;
}

/** Reads an SSE response into `into.text` until aborted. */
async function capture(url: string, headers: Record<string, string>, signal: AbortSignal) {
  const into = { text: '', status: 0 };
  const res = await fetch(url, { headers, signal });
  into.status = res.status;
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const done = (async () => {
    try {
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) break;
        into.text += decoder.decode(value, { stream: true });
      }
    } catch {
      /* aborted */
    }
  })();
  return { into, done };
}

describe('secrets at rest', () => {
  let db: TestDb;
  let double: ModelDouble;
  let vault: FakeVault;
  let server: Server;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sg-canary-data-'));
  const secretsDir = mkdtempSync(path.join(tmpdir(), 'sg-canary-secrets-'));
  const stopCapture = new AbortController();
  let log = '';

  beforeAll(async () => {
    chmodSync(dataDir, 0o755);
    db = await createTestDb();
    double = await startModelDouble({ apiKey: CANARIES.key });
    double.register('canary', createScenarioScript());
    vault = await startFakeVault(CANARIES.vaultToken, {
      'secret/scenario-gen': { webhook: CANARIES.webhookSecret },
    });
    writeFileSync(path.join(secretsDir, 'access-token'), `${CANARIES.accessToken}\n`);
    writeFileSync(path.join(secretsDir, 'vault-token'), CANARIES.vaultToken);
    const dbUrl = new URL(db.url);
    dbUrl.searchParams.set('search_path', db.schema);
    server = await startServer(
      {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        LANG: 'C.UTF-8',
        DATA_DIR: dataDir,
        DATABASE_URL: dbUrl.toString(),
        SEED_SAMPLES: 'false',
        LOG_LEVEL: 'debug',
        ANTHROPIC_API_KEY: CANARIES.key,
        ANTHROPIC_BASE_URL: double.baseUrlFor('canary'),
        CLAUDE_CODE_MAX_RETRIES: '1',
        ACCESS_TOKEN_FILE: path.join(secretsDir, 'access-token'),
        WEBHOOK_SECRET: 'vault:secret/scenario-gen#webhook',
        VAULT_ADDR: vault.url,
        VAULT_TOKEN_FILE: path.join(secretsDir, 'vault-token'),
      },
      120_000,
    );
  });

  afterAll(async () => {
    stopCapture.abort();
    await server?.stop();
    await double?.close();
    await vault?.close();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(secretsDir, { recursive: true, force: true });
  });

  it(
    'a scan of the whole data folder, the database, logs and SSE captures for a canary key and a canary password finds nothing',
    { timeout: 300_000 },
    async () => {
      const auth = { authorization: `Bearer ${CANARIES.accessToken}` };
      const api = async (method: string, p: string, body?: unknown) => {
        const res = await fetch(server.url + p, {
          method,
          headers: { ...auth, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        return { status: res.status, text: await res.text() };
      };
      const answers: string[] = [];

      const campaign = await api('POST', '/api/campaigns', { name: 'Canary' });
      expect(campaign.status).toBe(201);
      const campaignId = (JSON.parse(campaign.text) as { id: string }).id;
      const campaignStream = await capture(
        `${server.url}/api/events?campaign=${campaignId}`,
        auth,
        stopCapture.signal,
      );
      expect(campaignStream.into.status).toBe(200);

      // The run starts through the webhook, signed with the secret the server read from Vault.
      const body = JSON.stringify({
        campaignId,
        title: 'Order tracker',
        request: 'Track orders and send a daily summary.',
        config: { planningIterations: 1, implementationIterations: 1, validationFixes: 1 },
      });
      const ts = Math.floor(Date.now() / 1000);
      const delivery = randomUUID();
      const hook = await fetch(`${server.url}/api/hooks/generate`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-sg-timestamp': String(ts),
          'x-sg-delivery': delivery,
          'x-sg-signature': sign(CANARIES.webhookSecret, ts, delivery, body),
        },
        body,
      });
      const started = await hook.text();
      expect(hook.status, `${started}\n${server.output().slice(-3000)}`).toBe(202);
      answers.push(started);
      const { scenario, run } = JSON.parse(started) as {
        scenario: { id: string };
        run: { id: string };
      };
      const scenarioStream = await capture(
        `${server.url}/api/scenarios/${scenario.id}/events?after=0`,
        auth,
        stopCapture.signal,
      );
      expect(scenarioStream.into.status).toBe(200);

      const until = Date.now() + 240_000;
      let status = '';
      while (Date.now() < until) {
        const s = JSON.parse((await api('GET', `/api/scenarios/${scenario.id}`)).text) as {
          status: string;
          error: string | null;
        };
        status = s.status;
        if (['deployed', 'failed', 'cancelled'].includes(status)) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(status, server.output().slice(-3000)).toBe('deployed');
      // Let the last events reach both streams before they are closed.
      await new Promise((r) => setTimeout(r, 1000));

      for (const p of [
        `/api/scenarios/${scenario.id}`,
        `/api/scenarios/${scenario.id}/runs`,
        `/api/scenarios/${scenario.id}/logs`,
        `/api/runs/${run.id}`,
        `/api/runs/${run.id}/plans`,
        `/api/runs/${run.id}/artifacts`,
        `/api/runs/${run.id}/validations`,
        `/api/runs/${run.id}/interactions`,
        '/api/runs',
        '/api/settings',
        '/api/meta',
        '/api/analytics',
        '/api/ready',
      ]) {
        const r = await api('GET', p);
        expect(r.status, p).toBe(200);
        answers.push(r.text);
      }
      stopCapture.abort();
      await Promise.all([campaignStream.done, scenarioStream.done]);
      await server.stop();
      log = server.output();

      // The scan would prove nothing if nothing had been written: check there is something.
      expect(double.requests.filter((r) => r.kind === 'messages').length).toBeGreaterThan(2);
      expect(scenarioStream.into.text).toMatch(/event: agent/);
      expect(campaignStream.into.text).toMatch(/deployed/);
      expect(log).toMatch(/listening on/);
      const files = filesUnder(dataDir);
      expect(files.length).toBeGreaterThan(5);
      const tables = await db.sql<{ name: string }[]>`
        SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = ${db.schema} AND table_type = 'BASE TABLE' ORDER BY 1`;
      expect(tables.map((t) => t.name)).toEqual(
        expect.arrayContaining(['agent_interactions', 'scenarios', 'runs']),
      );

      const found: string[] = [];
      let unpacked = 0;
      for (const file of files) {
        const contents = readForScan(file);
        unpacked += contents.length - 1;
        for (const c of contents) found.push(...findCanaries(path.relative(dataDir, file), c));
      }
      expect(unpacked).toBeGreaterThan(0);
      let rows = 0;
      for (const { name } of tables) {
        // The whole row as text covers every text and json column.
        const all = await db.sql.unsafe<{ row: string }[]>(
          `SELECT t::text AS row FROM "${db.schema}"."${name}" t`,
        );
        rows += all.length;
        for (const { row } of all) found.push(...findCanaries(`table ${name}`, row));
      }
      expect(rows).toBeGreaterThan(10);
      found.push(...findCanaries('the server log', log));
      found.push(...findCanaries('the campaign SSE capture', campaignStream.into.text));
      found.push(...findCanaries('the scenario SSE capture', scenarioStream.into.text));
      answers.forEach((a, i) => found.push(...findCanaries(`API answer ${i}`, a)));
      expect([...new Set(found)]).toEqual([]);
    },
  );
});
