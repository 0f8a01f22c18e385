import {
  DEFAULT_CONFIG,
  type AgentName,
  type Complexity,
  type GenerationConfig,
} from './domain.ts';

/** The iteration counts a complexity starts new scenarios with. */
export type IterationDefaults = Pick<
  GenerationConfig,
  'planningIterations' | 'implementationIterations' | 'validationFixes'
>;

/**
 * Server-wide defaults changed from the settings page (the `defaults` setting), over what the
 * environment set at start. Each is read when it is used, so a change reaches the next scenario
 * or run without a restart; concurrency sizes the executor, so it takes effect at the next start.
 */
export interface ServerDefaults {
  /** Format of new scenarios. */
  profile?: string;
  /** Model of new runs when the scenario names none. */
  model?: string;
  /** Agent of runs whose scenario and campaign name none (over the AGENT setting). */
  agent?: AgentName;
  iterations?: Partial<Record<Complexity, Partial<IterationDefaults>>>;
  /** How long a run sleeps after a usage limit that came without a reset time. */
  usageLimitBackoffMs?: number;
  concurrency?: { global?: number; perCampaign?: number };
}

/** The iteration defaults of every complexity: the built-in ones overlaid with the stored ones. */
export function iterationDefaults(d: ServerDefaults): Record<Complexity, GenerationConfig> {
  const of = (c: Complexity) => ({ ...DEFAULT_CONFIG[c], ...d.iterations?.[c] });
  return { simple: of('simple'), intermediate: of('intermediate'), advanced: of('advanced') };
}
