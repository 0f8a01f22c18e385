/**
 * Builds the dashboard (site/, a SvelteKit SPA) into site/build with Vite. Run by `npm install`
 * (the `prepare` script) and by `npm run build:site` (with --force). Without --force it does
 * nothing when site/build/index.html is newer than every source and config file, so repeated
 * installs stay fast. Prints one line when done.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const SITE = path.join(ROOT, 'site');
const INDEX = path.join(SITE, 'build', 'index.html');
const INPUTS = [
  path.join(SITE, 'src'),
  path.join(SITE, 'static'),
  path.join(SITE, 'vite.config.ts'),
  path.join(ROOT, 'package.json'),
  import.meta.filename,
];

/** Newest modification time (ms) of a file, or of any file below a folder. */
function newest(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const entry of readdirSync(p)) max = Math.max(max, newest(path.join(p, entry)));
  return max;
}

/** True when site/build exists and nothing it is built from changed since. */
export function siteIsFresh(): boolean {
  if (!existsSync(INDEX)) return false;
  const built = statSync(INDEX).mtimeMs;
  return INPUTS.every((p) => newest(p) <= built);
}

/**
 * Builds the site unless it is fresh (or `force`); resolves with the one line to print. Callers
 * in parallel (test files) take turns through a lock folder, so only one build writes at a time.
 */
export async function buildSite(options: { force?: boolean } = {}): Promise<string> {
  const lock = path.join(SITE, '.build-lock');
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another build holds the lock; a lock older than five minutes is left over from a crash.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 300_000)
        rmSync(lock, { recursive: true, force: true });
      if (waited > 600_000)
        throw new Error('site: gave up waiting for another build (site/.build-lock)');
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (!options.force && siteIsFresh()) return 'site: up to date (site/build)';
    return await build(options.force === true);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

async function build(force: boolean): Promise<string> {
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    // An install without dev dependencies cannot build the site; the server then says so itself.
    const line =
      'site: not built: Vite is not installed (install dev dependencies, then run `npm run build:site`)';
    if (force) throw new Error(line);
    return line;
  }
  const started = performance.now();
  // SvelteKit builds its server and client environments in one app build (what `vite build`
  // runs), so this goes through the builder rather than the single-bundle build(). SvelteKit and
  // its adapter narrate the build on the console; that is kept for when it fails.
  const narration: string[] = [];
  const { log, info } = console;
  console.log = console.info = (...args: unknown[]) =>
    void narration.push(args.map(String).join(' '));
  try {
    const builder = await vite.createBuilder({
      root: SITE,
      configFile: path.join(SITE, 'vite.config.ts'),
      mode: 'production',
      logLevel: 'warn',
    });
    await builder.buildApp();
  } catch (e) {
    console.log = log;
    console.info = info;
    if (narration.length) console.error(narration.join('\n'));
    throw e;
  } finally {
    console.log = log;
    console.info = info;
  }
  return `site: built site/build in ${((performance.now() - started) / 1000).toFixed(1)} s`;
}

if (import.meta.main) {
  buildSite({ force: process.argv.includes('--force') })
    .then((line) => console.log(line))
    .catch((e: unknown) => {
      console.error(`site: build failed: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    });
}
