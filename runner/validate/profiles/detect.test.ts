import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectProfile } from './detect.ts';

const roots: string[] = [];
function checkout(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'sg-vrooli-'));
  roots.push(root);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content);
  }
  return root;
}
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

describe('detectProfile: a Vrooli checkout says which format it runs', () => {
  it('2025-08-07: scenarios under scripts/scenarios/core', () => {
    const root = checkout({ 'scripts/scenarios/core/app/.vrooli/service.json': '{"service":{}}' });
    expect(detectProfile(root)?.profile).toBe('vrooli-2025-08-07');
  });
  it('2025-08-29: scenarios/ with a lifecycle', () => {
    const root = checkout({
      'scenarios/app/.vrooli/service.json': '{"lifecycle":{"version":"2.0.0"}}',
    });
    expect(detectProfile(root)).toMatchObject({
      profile: 'vrooli-2025-08-29',
      reason: expect.stringContaining('scenarios/app'),
    });
  });
  it('2026-01-09: the api/cli/ui layout with testing.json', () => {
    const root = checkout({
      'scenarios/app/.vrooli/service.json': '{"lifecycle":{}}',
      'scenarios/app/.vrooli/testing.json': '{}',
    });
    expect(detectProfile(root)?.profile).toBe('vrooli-2026-01-09');
  });
  it('nothing it recognises: undefined', () => {
    expect(detectProfile(checkout({ 'README.md': '# not vrooli' }))).toBeUndefined();
  });
});
