import type { IconName } from './icons.ts';
import type { EvidenceLevel, RunStatus, ScenarioStatus } from './types.ts';

/**
 * How each status reads: a word and an icon (so it never rests on colour alone) and a tone that
 * picks the colour.
 */
export type Tone = 'neutral' | 'progress' | 'success' | 'danger' | 'warn' | 'muted';

export interface StatusLook {
  label: string;
  icon: IconName;
  tone: Tone;
}

export const SCENARIO_STATUS: Record<ScenarioStatus, StatusLook> = {
  draft: { label: 'Draft', icon: 'pencil', tone: 'neutral' },
  queued: { label: 'Queued', icon: 'clock', tone: 'progress' },
  planning: { label: 'Planning', icon: 'list', tone: 'progress' },
  implementing: { label: 'Implementing', icon: 'code', tone: 'progress' },
  validating: { label: 'Validating', icon: 'shield', tone: 'progress' },
  deploying: { label: 'Deploying', icon: 'upload', tone: 'progress' },
  sleeping: { label: 'Sleeping (usage limit)', icon: 'moon', tone: 'warn' },
  deployed: { label: 'Deployed', icon: 'check', tone: 'success' },
  failed: { label: 'Failed', icon: 'x-circle', tone: 'danger' },
  cancelled: { label: 'Cancelled', icon: 'slash', tone: 'muted' },
};

export const RUN_STATUS: Record<RunStatus, StatusLook> = {
  queued: { label: 'Queued', icon: 'clock', tone: 'progress' },
  running: { label: 'Running', icon: 'activity', tone: 'progress' },
  sleeping: { label: 'Sleeping', icon: 'moon', tone: 'warn' },
  succeeded: { label: 'Succeeded', icon: 'check', tone: 'success' },
  failed: { label: 'Failed', icon: 'x-circle', tone: 'danger' },
  cancelled: { label: 'Cancelled', icon: 'slash', tone: 'muted' },
};

export const STEP_STATUS: Record<string, StatusLook> = {
  running: { label: 'Running', icon: 'activity', tone: 'progress' },
  completed: { label: 'Completed', icon: 'check', tone: 'success' },
  failed: { label: 'Failed', icon: 'x-circle', tone: 'danger' },
  sleeping: { label: 'Sleeping', icon: 'moon', tone: 'warn' },
};

/** What each evidence level says to a person (structure < ran < tested). */
export const EVIDENCE_TEXT: Record<EvidenceLevel, string> = {
  structure: 'checked, not run',
  ran: 'ran',
  tested: 'ran, tests passed',
};

/** A run paused on a spending cap sleeps too, but not for a usage limit. */
const CAPPED: StatusLook = { label: 'Paused (spending cap)', icon: 'moon', tone: 'warn' };

/**
 * How a scenario's status reads: a deployed version outlives a later re-run that failed or was
 * cancelled, so the scenario still reads "Deployed", with the re-run's fate as a note beside it.
 */
export function scenarioLook(s: {
  status: ScenarioStatus;
  deployedAt: string | null;
  lastAction?: string | null;
}): {
  look: StatusLook;
  note: string | null;
} {
  if (s.deployedAt && (s.status === 'failed' || s.status === 'cancelled'))
    return { look: SCENARIO_STATUS.deployed, note: `re-run ${s.status}` };
  // The pipeline words the pause itself (inngest/stage-kit/agent-step.ts capMessage).
  if (s.status === 'sleeping' && s.lastAction?.startsWith('Paused:'))
    return { look: CAPPED, note: null };
  return { look: lookOf(SCENARIO_STATUS, s.status), note: null };
}

/** The look of any status string, with a neutral fallback for ones the site does not know. */
export function lookOf(
  table: Record<string, StatusLook>,
  status: string | null | undefined,
): StatusLook {
  return (status && table[status]) || { label: status ?? 'Unknown', icon: 'info', tone: 'neutral' };
}

const ACTIVE = new Set<string>([
  'queued',
  'planning',
  'implementing',
  'validating',
  'deploying',
  'sleeping',
]);

/** True while a run is in flight for the scenario. */
export function isActive(status: string): boolean {
  return ACTIVE.has(status);
}

/** CSS colour of a campaign: a named palette colour or a #rrggbb value. */
export const CAMPAIGN_COLOR_HEX: Record<string, string> = {
  blue: '#2563eb',
  purple: '#7c3aed',
  green: '#15803d',
  orange: '#c2410c',
  red: '#dc2626',
  teal: '#0f766e',
  pink: '#db2777',
  gray: '#4b5563',
  yellow: '#a16207',
};

export function campaignColor(color: string): string {
  return (
    CAMPAIGN_COLOR_HEX[color] ??
    (/^#[0-9a-fA-F]{6}$/.test(color) ? color : CAMPAIGN_COLOR_HEX.blue!)
  );
}
