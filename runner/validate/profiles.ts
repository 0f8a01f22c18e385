import { AppError } from '../../core/errors.ts';
import { DEFAULT_PROFILE_ID, listProfileInfo } from './catalogue.ts';
import { vrooli20250807 } from './profiles/vrooli-2025-08-07.ts';
import { vrooli20250829 } from './profiles/vrooli-2025-08-29.ts';
import { vrooli20260109 } from './profiles/vrooli-2026-01-09.ts';
import type { Profile } from './types.ts';

/**
 * The registry of target formats. A profile's id names the format era; its `version` names the
 * rule set, so a stored verdict can say which rules produced it.
 */
const RULE_SETS: readonly Profile[] = [vrooli20250807, vrooli20250829, vrooli20260109];
// In the catalogue's order, so the rule sets and the catalogue list the same profiles alike.
const PROFILES: readonly Profile[] = listProfileInfo().map((info) => {
  const profile = RULE_SETS.find((p) => p.id === info.id);
  if (!profile) throw new Error(`Profile "${info.id}" is catalogued but has no rule set.`);
  return profile;
});

export { DEFAULT_PROFILE_ID };

/** Every profile, in a stable order. */
export function listProfiles(): readonly Profile[] {
  return PROFILES;
}

/**
 * The profile with this id (the default profile when `id` is undefined).
 * @throws AppError `invalid_input` naming the known profiles when the id is unknown.
 */
export function getProfile(id: string = DEFAULT_PROFILE_ID): Profile {
  const profile = PROFILES.find((p) => p.id === id);
  if (!profile) {
    throw new AppError(
      'invalid_input',
      `Unknown profile "${id}"; known profiles: ${PROFILES.map((p) => p.id).join(', ')}.`,
      {
        details: { profile: id, known: PROFILES.map((p) => p.id) },
      },
    );
  }
  return profile;
}
