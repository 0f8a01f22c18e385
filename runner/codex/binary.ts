import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { AppError } from '../../core/errors.ts';

/**
 * Finds the native `codex` executable: an explicit path, else `codex` on PATH, else the
 * project's own `@openai/codex` dependency, whose platform package (an npm alias such as
 * `@openai/codex-linux-x64`) ships the binary under vendor/<target>/bin — nothing is downloaded
 * at install time. The native binary is run directly: the package's Node wrapper only execs it.
 */
const TARGETS: Record<string, { pkg: string; triple: string }> = {
  'linux-x64': { pkg: '@openai/codex-linux-x64', triple: 'x86_64-unknown-linux-musl' },
  'linux-arm64': { pkg: '@openai/codex-linux-arm64', triple: 'aarch64-unknown-linux-musl' },
  'darwin-x64': { pkg: '@openai/codex-darwin-x64', triple: 'x86_64-apple-darwin' },
  'darwin-arm64': { pkg: '@openai/codex-darwin-arm64', triple: 'aarch64-apple-darwin' },
};

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The native binary inside the installed npm package, when there is one for this platform. */
export function bundledCodexBinary(): string | undefined {
  const target = TARGETS[`${process.platform}-${process.arch}`];
  if (!target) return undefined;
  const require = createRequire(import.meta.url);
  try {
    const wrapper = path.dirname(require.resolve('@openai/codex/package.json'));
    const platRequire = createRequire(path.join(wrapper, 'package.json'));
    const dir = path.dirname(platRequire.resolve(`${target.pkg}/package.json`));
    const bin = path.join(dir, 'vendor', target.triple, 'bin', 'codex');
    return isExecutable(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

/** Returns an absolute path to a runnable `codex`, or throws AppError `agent_error` saying what to install. */
export function findCodexBinary(options: { binary?: string; pathEnv?: string } = {}): string {
  if (options.binary) {
    if (isExecutable(options.binary)) return path.resolve(options.binary);
    throw new AppError(
      'agent_error',
      `The configured Codex binary is not executable: ${options.binary}`,
    );
  }
  for (const dir of (options.pathEnv ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, 'codex');
    if (isExecutable(p)) return p;
  }
  const bundled = bundledCodexBinary();
  if (bundled) return bundled;
  throw new AppError(
    'agent_error',
    'Codex CLI was not found: install it (`npm install` installs the project dependency @openai/codex) or put `codex` on PATH.',
  );
}
