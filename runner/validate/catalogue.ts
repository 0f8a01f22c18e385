import type { ProfileInfo } from './types.ts';

/**
 * The catalogue of target formats: what the API and the site need to know of each profile (id,
 * rule-set version, description, where a checkout keeps its scenarios), apart from the rule sets,
 * which read files. The edge entry imports this and nothing that touches a filesystem.
 * A profile's rule set (profiles/) takes its entry from here: bump `version` here when a rule is
 * added, removed or changes verdict.
 */
const CATALOGUE: readonly ProfileInfo[] = [
  {
    id: 'vrooli-2025-08-07',
    version: '1.1.0',
    description:
      'Vrooli scenarios of August 2025: .vrooli/service.json, resources grouped by category, initialization files and deployment phases.',
    deployPath: (name) => `scripts/scenarios/core/${name}`,
  },
  {
    id: 'vrooli-2025-08-29',
    version: '1.2.0',
    description:
      'Vrooli scenarios of late August 2025: version + service, flat resources, ports and lifecycle (setup/develop/test/stop steps).',
    deployPath: (name) => `scenarios/${name}`,
  },
  {
    id: 'vrooli-2026-01-09',
    version: '1.2.0',
    description:
      'Vrooli scenarios of 2026: api/cli/ui/docs/requirements folders, PRD.md, Makefile, .vrooli/testing.json, dependencies.resources and health checks.',
    deployPath: (name) => `scenarios/${name}`,
  },
];

/** The profile used when none is chosen: the format of the seed plan's era. */
export const DEFAULT_PROFILE_ID = 'vrooli-2025-08-07';

/** Every profile's entry, in the same stable order as the rule sets (`listProfiles`). */
export function listProfileInfo(): readonly ProfileInfo[] {
  return CATALOGUE;
}

/** Whether `id` names a known profile. */
export function isProfileId(id: string): boolean {
  return CATALOGUE.some((p) => p.id === id);
}

/**
 * The catalogue entry a rule set is built on.
 * @throws Error when the catalogue has no such entry (a programming error, caught by the tests).
 */
export function profileInfo(id: string): ProfileInfo {
  const info = CATALOGUE.find((p) => p.id === id);
  if (!info) throw new Error(`Profile "${id}" has no entry in runner/validate/catalogue.ts.`);
  return info;
}
