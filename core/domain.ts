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

/** How much a deployed scenario was shown to work: checked, ran, ran with its tests passing. */
export const EVIDENCE_LEVELS = ['structure', 'ran', 'tested'] as const;
export type EvidenceLevel = (typeof EVIDENCE_LEVELS)[number];

/** How the scenario list may be ordered (`-` first: descending). */
export const SCENARIO_SORTS = [
  'created',
  '-created',
  'updated',
  '-updated',
  'title',
  '-title',
  'status',
  '-status',
  'progress',
  '-progress',
] as const;
export type ScenarioSort = (typeof SCENARIO_SORTS)[number];

/** What a step of a run is doing, as the timeline shows it. */
export const STEP_STATUSES = ['running', 'completed', 'failed', 'sleeping'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** What the engine did in a step: ran code, slept, invoked a function, waited for an event. */
export const STEP_KINDS = ['run', 'sleep', 'invoke', 'event'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** A stored set of files: a phase's bundle, or the deployed archive. */
export const ARTIFACT_KINDS = ['bundle', 'archive'] as const;
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number];

/** What a progress event reports (its SSE event name, and the log entry's kind). */
export const LIVE_KINDS = ['progress', 'agent', 'log', 'status'] as const;
export type LiveKind = (typeof LIVE_KINDS)[number];

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** How much a validator finding matters; any `error` makes a scenario invalid. */
export const SEVERITIES = ['error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** `none`: one local administrator, no sign-in; `accounts`: users, sessions and roles. */
export const AUTH_MODES = ['none', 'accounts'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/** Which engine runs the pipeline: the built-in local executor or an Inngest server. */
export const EXECUTORS = ['local', 'inngest'] as const;
export type Executor = (typeof EXECUTORS)[number];

/** Campaign colours the site knows how to draw (or any #rrggbb). */
export const CAMPAIGN_COLORS = [
  'blue',
  'purple',
  'green',
  'orange',
  'red',
  'teal',
  'pink',
  'gray',
  'yellow',
] as const;
export type CampaignColor = (typeof CAMPAIGN_COLORS)[number];

/** Campaign icons the site knows how to draw. */
export const CAMPAIGN_ICONS = [
  'folder',
  'headset',
  'edit',
  'file-text',
  'tool',
  'activity',
  'rocket',
  'star',
  'box',
  'zap',
  'globe',
  'cpu',
] as const;
export type CampaignIcon = (typeof CAMPAIGN_ICONS)[number];

/** What a scenario asks of a run. Every field optional at the edge; defaults by complexity. */
/** The coding agents a run can use, behind the same port (runner/claude, runner/codex). */
export const AGENT_NAMES = ['claude-code', 'codex'] as const;
export type AgentName = (typeof AGENT_NAMES)[number];

export interface GenerationConfig {
  planningIterations: number;
  implementationIterations: number;
  validationFixes: number;
  /** The agent for this scenario's runs; else its campaign's default, else the AGENT setting. */
  agent?: AgentName;
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
/** Words a request opens with that say nothing about the app ("Please build me an app that …"). */
const FILLER =
  /^(?:(?:please|i\s+(?:want|need|would\s+like)|we\s+need|can\s+you|could\s+you|build|create|make|generate|write|give\s+me|me|to|have)\s+)+(?:(?:a|an|the|some)\s+)?(?:(?:simple|small|little|basic|new)\s+)?(?:(?:app|application|scenario|tool|service|web\s+app)\s+(?:that|which|to|for)\s+)?/i;

/**
 * A short, human title for a request, as a person would name it: the first sentence, without
 * filler ("Build me a …"), cut at a word boundary (at most `max` characters), capitalised.
 */
export function titleFromRequest(request: string, max = 40): string {
  const first = (request.trim().split(/\n|(?<=[.!?])\s/)[0] ?? '').replace(/[.!?]+$/, '');
  const core =
    first
      .replace(FILLER, '')
      .replace(/^(?:(?:a|an|the)\s+)/i, '')
      .trim() || first.trim();
  let out = core;
  if (out.length > max) {
    const cut = out.slice(0, max + 1);
    const space = cut.lastIndexOf(' ');
    out = space > max / 2 ? cut.slice(0, space) : cut.slice(0, max);
    // A title does not end on a joining word ("… notes into").
    const dangling =
      /[\s,;:-]+(?:and|or|with|for|to|of|a|an|the|that|which|into|in|on|by|from|using|as|at)?$/i;
    while (dangling.test(out) && out.replace(dangling, '') !== out) out = out.replace(dangling, '');
  }
  out = out.replace(/[\s,;:-]+$/, '');
  return out ? out[0]!.toUpperCase() + out.slice(1) : 'Scenario';
}

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
