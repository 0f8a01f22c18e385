import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPATIBILITY_DATE } from '../test/edge/support.ts';

/**
 * wrangler itself is not a dependency (nothing here can deploy to Cloudflare), so the file is
 * checked against what the tests run: the bundle the edge build writes, the runtime settings
 * miniflare serves it with, and the SPA's build folder.
 */
const toml = readFileSync(path.join(import.meta.dirname, 'wrangler.toml'), 'utf8');
const value = (key: string) => toml.match(new RegExp(`^${key} = (.+)$`, 'm'))?.[1];

describe('deploy/wrangler.toml', () => {
  it('deploys the checked edge bundle with the runtime settings the tests use', () => {
    expect(value('main')).toBe('"../dist/edge/worker.js"');
    expect(value('no_bundle')).toBe('true');
    expect(value('compatibility_date')).toBe(`"${COMPATIBILITY_DATE}"`);
    expect(value('compatibility_flags')).toBe('["nodejs_compat"]');
  });

  it('serves the built SPA as static assets, the API from the worker', () => {
    expect(value('directory')).toBe('"../site/build"');
    expect(value('not_found_handling')).toBe('"single-page-application"');
    expect(value('run_worker_first')).toContain('"/api/*"');
  });
});
