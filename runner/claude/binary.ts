import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { AppError } from '../../core/errors.ts';

/**
 * Finds the `claude` executable: an explicit path, else `claude` on PATH, else the project's own
 * `@anthropic-ai/claude-code` dependency (its platform package ships the native binary, so
 * nothing is downloaded at install time).
 */
export interface FindClaudeOptions {
  /** Explicit binary path; used as is when executable. */
  binary?: string;
  /** The PATH to search (pass the runner's PATH; library code does not read process.env). */
  pathEnv?: string;
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Candidate binaries inside the installed npm package (the wrapper, then the platform package). */
export function bundledClaudeCandidates(): string[] {
  const require = createRequire(import.meta.url);
  const out: string[] = [];
  try {
    const pkgDir = path.dirname(require.resolve('@anthropic-ai/claude-code/package.json'));
    out.push(path.join(pkgDir, 'bin', 'claude.exe'));
    const platform = `${process.platform}-${process.arch}`;
    const platRequire = createRequire(path.join(pkgDir, 'package.json'));
    for (const suffix of [platform, `${platform}-musl`]) {
      try {
        const dir = path.dirname(
          platRequire.resolve(`@anthropic-ai/claude-code-${suffix}/package.json`),
        );
        out.push(path.join(dir, 'claude'));
      } catch {
        // Not installed for this platform variant.
      }
    }
  } catch {
    // The dependency is not installed.
  }
  return out;
}

/** The postinstall step replaces the wrapper's placeholder with the native binary; skip a placeholder. */
function looksNative(p: string): boolean {
  try {
    return statSync(p).size > 1024 * 1024;
  } catch {
    return false;
  }
}

/** Returns an absolute path to a runnable `claude`, or throws AppError `agent_error` saying what to install. */
export function findClaudeBinary(options: FindClaudeOptions = {}): string {
  if (options.binary) {
    if (isExecutable(options.binary)) return path.resolve(options.binary);
    throw new AppError(
      'agent_error',
      `The configured Claude Code binary is not executable: ${options.binary}`,
    );
  }
  for (const dir of (options.pathEnv ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, 'claude');
    if (isExecutable(p)) return p;
  }
  for (const p of bundledClaudeCandidates()) if (isExecutable(p) && looksNative(p)) return p;
  throw new AppError(
    'agent_error',
    'Claude Code was not found: install it (`npm install` installs the project dependency @anthropic-ai/claude-code) or put `claude` on PATH.',
  );
}
