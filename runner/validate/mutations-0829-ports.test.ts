import { afterAll, describe, expect, it } from 'vitest';
import { fixtureMutator, ruleIds, type FixtureCopy, type Json } from './testkit.ts';
import type { ValidationReport } from './types.ts';

/** Variations of the ports of valid 2025-08-29 fixtures (simple-test, make-it-vegan). */

const PROFILE = 'vrooli-2025-08-29';
const SIMPLE = '2025-08-29_simple-test';
const VEGAN = '2025-08-29_make-it-vegan';
const m = fixtureMutator(PROFILE);
afterAll(() => m.cleanup());

/** Edits the copy's service.json in place (it is always written back) and validates. */
const mutate = (fixture: string, change: (sj: Json, c: FixtureCopy) => void, name?: string) =>
  m.mutate(fixture, (c, sj) => (change(sj, c), sj), name);

const errors = (r: ValidationReport) => r.findings.filter((f) => f.severity === 'error');
const errorRules = (r: ValidationReport) => ruleIds(r);
describe('2025-08-29 mutations: ports', () => {
  describe('ports', () => {
    it('two equal fixed ports', async () => {
      const r = await mutate(VEGAN, (sj) => {
        sj.ports.api = { env_var: 'API_PORT', fixed: 8080 };
        sj.ports.ui = { env_var: 'UI_PORT', fixed: 8080 };
      });
      expect(errorRules(r)).toEqual(['ports.fixed-duplicate']);
      expect(errors(r)[0]!.jsonPath).toBe('$.ports.ui.fixed');
    });

    it('distinct fixed ports are fine', async () => {
      const r = await mutate(VEGAN, (sj) => {
        sj.ports.api = { env_var: 'API_PORT', fixed: 8080, fallback: 'error' };
        sj.ports.ui = { env_var: 'UI_PORT', fixed: 8081 };
      });
      expect(r.valid).toBe(true);
    });

    it.each([
      [
        'both range and fixed',
        { env_var: 'SERVICE_PORT', range: '8000-8010', fixed: 8001 },
        'ports.range-or-fixed',
      ],
      ['neither range nor fixed', { env_var: 'SERVICE_PORT' }, 'ports.range-or-fixed'],
      ['range reversed', { env_var: 'SERVICE_PORT', range: '9000-8000' }, 'ports.range'],
      ['range not A-B', { env_var: 'SERVICE_PORT', range: '8000' }, 'ports.range'],
      ['range past 65535', { env_var: 'SERVICE_PORT', range: '65000-70000' }, 'ports.range'],
      ['fixed below 1024', { env_var: 'SERVICE_PORT', fixed: 80 }, 'ports.fixed'],
      ['fixed a string', { env_var: 'SERVICE_PORT', fixed: '8080' }, 'ports.fixed'],
      ['env_var lower case', { env_var: 'service_port', range: '8000-8010' }, 'ports.env-var'],
      ['env_var missing', { range: '8000-8010' }, 'ports.env-var'],
      [
        'fallback a port number',
        { env_var: 'SERVICE_PORT', range: '8000-8010', fallback: '8083' },
        'ports.fallback',
      ],
      ['port a bare number', 8080, 'ports.shape'],
    ])('%s', async (_, port, rule) => {
      const r = await mutate(SIMPLE, (sj) => {
        sj.ports.app = port;
      });
      expect(r.valid).toBe(false);
      expect(errorRules(r)).toEqual([rule]);
    });

    it('two ports on one env_var', async () => {
      const r = await mutate(VEGAN, (sj) => {
        sj.ports.ui.env_var = 'SERVICE_PORT';
      });
      expect(errorRules(r)).toEqual(['ports.env-var-duplicate']);
    });
  });
});
