/**
 * Domain vocabulary shared by the API, the pipeline and the site: statuses, phases, complexity
 * and the per-scenario generation config with its limits.
 */
export const COMPLEXITIES = ['simple', 'intermediate', 'advanced'] as const;
export type Complexity = (typeof COMPLEXITIES)[number];

export const PHASES = ['planning', 'implementing', 'validating', 'deploying'] as const;
export type Phase = (typeof PHASES)[number];

export const SCENARIO_STATUSES = [
  'draft',
  'queued',
  'planning',
  'implementing',
  'validating',
  'deploying',
  'sleeping',
  'deployed',
  'failed',
  'cancelled',
] as const;
export type ScenarioStatus = (typeof SCENARIO_STATUSES)[number];

/** Statuses in which a run is in flight: the scenario cannot be edited or deleted. */
export const ACTIVE_STATUSES: readonly ScenarioStatus[] = [
  'queued',
  'planning',
  'implementing',
  'validating',
  'deploying',
  'sleeping',
];

export const RUN_STATUSES = [
  'queued',
  'running',
  'sleeping',
  'succeeded',
  'failed',
  'cancelled',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** What a scenario asks of a run. Every field optional at the edge; defaults by complexity. */
export interface GenerationConfig {
  planningIterations: number;
  implementationIterations: number;
  validationFixes: number;
  model?: string;
  maxBudgetUsd?: number;
  maxTurns?: number;
}

export const ITERATION_LIMITS = { min: 1, max: 5 } as const;
export const BUDGET_LIMITS = { maxBudgetUsd: 50, maxTurns: 200 } as const;

/** Default iteration counts per complexity (the seed plan's 3/2/… with room to grow). */
export const DEFAULT_CONFIG: Record<Complexity, GenerationConfig> = {
  simple: { planningIterations: 2, implementationIterations: 1, validationFixes: 2 },
  intermediate: { planningIterations: 3, implementationIterations: 2, validationFixes: 3 },
  advanced: { planningIterations: 4, implementationIterations: 3, validationFixes: 5 },
};

/** A kebab-case slug from free text, for folder names (`My App!` → `my-app`). */
export function slugify(text: string, max = 48): string {
  const s = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/g, '');
  return s || 'scenario';
}
