import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FindingList } from '../findings.ts';
import { isObject, parseJsonLenient } from '../json.ts';
import type { ScenarioContext } from '../types.ts';
import { MAX_JSON_BYTES } from './service-json.ts';

/**
 * The folder structure Vrooli's test-genie demanded from 2026 on (its structure phase): the
 * api/cli/docs/requirements/ui folders, the entry files, parseable .vrooli/*.json, and health
 * checks in the lifecycle.
 */

export const REQUIRED_DIRS = ['api', 'cli', 'docs', 'requirements', 'ui'] as const;
export const REQUIRED_FILES = [
  'api/main.go',
  'cli/install.sh',
  '.vrooli/testing.json',
  'README.md',
  'PRD.md',
  'Makefile',
] as const;

async function kind(abs: string): Promise<'file' | 'dir' | null> {
  const st = await stat(abs).catch(() => null);
  return st === null ? null : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : null;
}

/** Required folders and files, each missing one an error. */
export async function checkRequiredLayout(ctx: ScenarioContext, list: FindingList): Promise<void> {
  for (const dir of REQUIRED_DIRS) {
    if ((await kind(path.join(ctx.dir, dir))) !== 'dir') {
      list.error('layout.dir-missing', `Required folder ${dir}/ is missing.`, {
        file: `${dir}/`,
        hint: `Create ${dir}/ (this format expects api/, cli/, docs/, requirements/ and ui/).`,
      });
    }
  }
  for (const file of REQUIRED_FILES) {
    if ((await kind(path.join(ctx.dir, file))) !== 'file') {
      list.error('layout.file-missing', `Required file ${file} is missing.`, { file });
    }
  }
}

/** Every .vrooli/*.json must parse strictly. */
export async function checkVrooliJsonFiles(ctx: ScenarioContext, list: FindingList): Promise<void> {
  const names = await readdir(path.join(ctx.dir, '.vrooli')).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.endsWith('.json') && n !== 'service.json').sort()) {
    const rel = `.vrooli/${name}`;
    const st = await stat(path.join(ctx.dir, rel)).catch(() => null);
    if (!st?.isFile() || st.size > MAX_JSON_BYTES) continue;
    const parsed = parseJsonLenient(await readFile(path.join(ctx.dir, rel), 'utf8'));
    if (!parsed.ok || parsed.trailingCommaLines.length > 0) {
      list.error(
        'json.syntax',
        `Invalid JSON in ${rel}${parsed.ok ? ': trailing commas' : `: ${parsed.error}`}`,
        { file: rel },
      );
    }
  }
}

/** `lifecycle.health.checks` must be a non-empty array. */
export function checkHealthChecks(
  list: FindingList,
  file: string,
  sj: Record<string, unknown>,
): void {
  const lifecycle = sj['lifecycle'];
  const health = isObject(lifecycle) ? lifecycle['health'] : undefined;
  const checks = isObject(health) ? health['checks'] : undefined;
  if (!Array.isArray(checks) || checks.length === 0) {
    list.error(
      'lifecycle.health-checks',
      'lifecycle.health.checks must list at least one health check.',
      {
        file,
        jsonPath: '$.lifecycle.health.checks',
        hint: 'Add e.g. { "name": "api_endpoint", "type": "http", "target": "http://localhost:${API_PORT}/health" }.',
      },
    );
  }
}
