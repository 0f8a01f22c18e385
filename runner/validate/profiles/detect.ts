import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The target format of a Vrooli checkout, read from its layout: where it keeps scenarios and
 * what they look like. 2025-08-07 kept them under `scripts/scenarios/core/`; later versions under
 * `scenarios/`, with a lifecycle in `.vrooli/service.json` (2025-08-29) and, from 2026, the
 * api/cli/ui layout with `.vrooli/testing.json` and `PRD.md`.
 */
export interface DetectedProfile {
  profile: 'vrooli-2025-08-07' | 'vrooli-2025-08-29' | 'vrooli-2026-01-09';
  /** What in the checkout decided it. */
  reason: string;
}

function scenarioDirs(dir: string, limit = 50): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .slice(0, limit)
      .map((e) => path.join(dir, e.name));
  } catch {
    return [];
  }
}

function hasLifecycle(scenario: string): boolean {
  try {
    const sj = JSON.parse(readFileSync(path.join(scenario, '.vrooli', 'service.json'), 'utf8')) as {
      lifecycle?: unknown;
    };
    return sj.lifecycle !== undefined;
  } catch {
    return false;
  }
}

/** The checkout's format, or undefined when it does not look like a Vrooli checkout. */
export function detectProfile(vrooliRoot: string): DetectedProfile | undefined {
  const current = scenarioDirs(path.join(vrooliRoot, 'scenarios'));
  const modern = current.find(
    (d) =>
      existsSync(path.join(d, '.vrooli', 'testing.json')) || existsSync(path.join(d, 'PRD.md')),
  );
  if (modern)
    return {
      profile: 'vrooli-2026-01-09',
      reason: `${path.relative(vrooliRoot, modern)} has the api/cli/ui layout (.vrooli/testing.json, PRD.md)`,
    };
  const withLifecycle = current.find(hasLifecycle);
  if (withLifecycle)
    return {
      profile: 'vrooli-2025-08-29',
      reason: `${path.relative(vrooliRoot, withLifecycle)} declares a lifecycle in .vrooli/service.json`,
    };
  const old = path.join(vrooliRoot, 'scripts', 'scenarios', 'core');
  if (existsSync(old))
    return { profile: 'vrooli-2025-08-07', reason: 'scenarios live under scripts/scenarios/core/' };
  if (current.length > 0)
    return { profile: 'vrooli-2025-08-29', reason: 'scenarios live under scenarios/' };
  return undefined;
}
