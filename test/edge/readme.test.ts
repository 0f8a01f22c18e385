import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FUNCTION_ROUTES } from '../../inngest/routes.ts';
import { ROOT } from '../support/server.ts';

/** README "Edge deployment" lists every pipeline function where inngest/routes.ts places it. */
describe('README, Edge deployment', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Edge deployment'));
  const body = section.slice(0, section.indexOf('\n## ', 1));

  it('places every function as inngest/routes.ts does', () => {
    for (const r of FUNCTION_ROUTES) {
      const row = body.split('\n').find((l) => l.startsWith(`| \`${r.id}\``));
      expect(row, r.id).toBeDefined();
      expect(row, r.id).toContain(r.placement === 'runner' ? '| a runner |' : '| light    |');
    }
  });
});
