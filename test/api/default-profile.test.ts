import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withDefaultProfile } from '../../bin/compose/app.ts';
import { parseConfig } from '../../core/config.ts';
import { createLogger } from '../../core/log.ts';
import { createTestApp } from '../support/app.ts';

/** Which format a new scenario gets: DEFAULT_PROFILE, else the Vrooli checkout's own. */
describe('the default target format', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'sg-vrooli-root-'));
  mkdirSync(path.join(root, 'scenarios', 'app', '.vrooli'), { recursive: true });
  writeFileSync(path.join(root, 'scenarios', 'app', '.vrooli', 'testing.json'), '{}');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('a scenario created without one gets DEFAULT_PROFILE (API)', async () => {
    const t = await createTestApp({ DEFAULT_PROFILE: 'vrooli-2025-08-29' });
    try {
      const campaignId = (await t.call('POST', '/api/campaigns', { name: 'Formats' })).json.id;
      const s = await t.call('POST', '/api/scenarios', { campaignId, title: 'T', request: 'r' });
      expect(s.status).toBe(201);
      expect(s.json.targetFormat).toBe('vrooli-2025-08-29');
    } finally {
      await t.close();
    }
  });

  it('follows the checkout at VROOLI_ROOT unless DEFAULT_PROFILE is set, and says why', () => {
    const lines: string[] = [];
    const log = createLogger('info', [], (l) => lines.push(l));
    const config = parseConfig({ VROOLI_ROOT: root });
    expect(withDefaultProfile(config, {}, log).DEFAULT_PROFILE).toBe('vrooli-2026-01-09');
    expect(lines.join('\n')).toMatch(/new scenarios use vrooli-2026-01-09.*testing\.json/);
    const explicit = parseConfig({ VROOLI_ROOT: root, DEFAULT_PROFILE: 'vrooli-2025-08-07' });
    expect(
      withDefaultProfile(explicit, { DEFAULT_PROFILE: 'vrooli-2025-08-07' }, log).DEFAULT_PROFILE,
    ).toBe('vrooli-2025-08-07');
  });
});
