/**
 * The API's shapes as the dashboard reads them (see functions/ for the server's side). Kept
 * here rather than imported so the site builds on its own.
 */
export type CampaignColor =
  'blue' | 'purple' | 'green' | 'orange' | 'red' | 'teal' | 'pink' | 'gray' | 'yellow';
export type CampaignIcon =
  | 'folder'
  | 'headset'
  | 'edit'
  | 'file-text'
  | 'tool'
  | 'activity'
  | 'rocket'
  | 'star'
  | 'box'
  | 'zap'
  | 'globe'
  | 'cpu';

export const CAMPAIGN_COLORS: CampaignColor[] = [
  'blue',
  'purple',
  'green',
  'orange',
  'red',
  'teal',
  'pink',
  'gray',
  'yellow',
];
export const CAMPAIGN_ICONS: CampaignIcon[] = [
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
];

export interface Meta {
  version: string;
  demoModel: boolean;
  executor: 'local' | 'inngest';
  authRequired: boolean;
  defaultProfile: string;
  store: string;
  bus: string;
}

export interface Campaign {
  id: string;
  name: string;
  description: string;
  color: string;
  icon: string;
  client: string | null;
  category: string | null;
  archived: boolean;
  createdAt: string;
  updatedAt: string;
  scenarioCount: number;
  deployedCount: number;
  failedCount: number;
  activeCount: number;
  successRate: number | null;
  costUsd: number;
}

export type Complexity = 'simple' | 'intermediate' | 'advanced';
export const COMPLEXITIES: Complexity[] = ['simple', 'intermediate', 'advanced'];

/** Iteration counts [planning, implementation, validation fixes] the server defaults to (core/domain.ts). */
export const ITERATION_DEFAULTS: Record<Complexity, [number, number, number]> = {
  simple: [2, 1, 2],
  intermediate: [3, 2, 3],
  advanced: [4, 3, 5],
};

export type Phase = 'planning' | 'implementing' | 'validating' | 'deploying';
export const PHASES: Phase[] = ['planning', 'implementing', 'validating', 'deploying'];

export type ScenarioStatus =
  | 'draft'
  | 'queued'
  | 'planning'
  | 'implementing'
  | 'validating'
  | 'deploying'
  | 'sleeping'
  | 'deployed'
  | 'failed'
  | 'cancelled';
export const SCENARIO_STATUSES: ScenarioStatus[] = [
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
];
export const ACTIVE_STATUSES: ScenarioStatus[] = [
  'queued',
  'planning',
  'implementing',
  'validating',
  'deploying',
  'sleeping',
];

export interface GenerationConfig {
  planningIterations: number;
  implementationIterations: number;
  validationFixes: number;
  model?: string;
  maxBudgetUsd?: number;
  maxTurns?: number;
}

export interface Scenario {
  id: string;
  campaignId: string;
  slug: string;
  title: string;
  request: string;
  complexity: Complexity;
  category: string;
  targetFormat: string;
  config: GenerationConfig;
  status: ScenarioStatus;
  phase: Phase | null;
  iteration: number;
  progress: number;
  currentRunId: string | null;
  costUsd: number;
  lastAction: string | null;
  error: string | null;
  archived: boolean;
  eventSeq: number;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  deployedAt: string | null;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export type RunStatus = 'queued' | 'running' | 'sleeping' | 'succeeded' | 'failed' | 'cancelled';

export interface Run {
  id: string;
  scenarioId: string;
  number: number;
  status: RunStatus;
  phase: Phase | null;
  trigger: string;
  failureClass: string | null;
  error: string | null;
  costUsd: number;
  wakeAt: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface RunStep {
  stepKey: string;
  phase: Phase | null;
  iteration: number | null;
  name: string;
  status: 'running' | 'completed' | 'failed' | 'sleeping';
  attempt: number;
  message: string | null;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
}

export interface RunDetail extends Run {
  steps: RunStep[];
}

export interface PlanVersion {
  iteration: number;
  score: number | null;
  rubric: { completeness: number; feasibility: number; clarity: number; risk: number } | null;
  critique: string | null;
  chosen: boolean;
}

export interface ArtifactFile {
  path: string;
  size: number;
  sha256: string;
}

export interface Artifact {
  id: string;
  phase: Phase | null;
  iteration: number | null;
  kind: string;
  fileCount: number;
  totalBytes: number;
  manifest: ArtifactFile[];
}

export interface Finding {
  severity: 'error' | 'warning' | 'info' | string;
  ruleId: string;
  file?: string;
  jsonPath?: string;
  message: string;
  hint?: string;
}

export interface ValidationResult {
  phase?: string;
  validator: string;
  profile: string;
  attempt: number;
  passed: boolean;
  errorCount: number;
  warningCount: number;
  findings: Finding[];
}

export interface Interaction {
  sessionId: string;
  phase: Phase | null;
  iteration: number | null;
  promptTemplate: string;
  promptVersion: string;
  model: string | null;
  outcome: string | null;
  turns: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  durationMs: number | null;
  /** Tool calls the agent's permissions refused (writes or reads outside its workspace). */
  permissionDenials: Array<{ tool: string; path?: string }>;
}

export interface SessionBudget {
  maxTurns: number;
  maxBudgetUsd: number;
  timeoutMs: number;
  idleTimeoutMs: number;
}

export interface Settings {
  defaults: {
    profile?: string;
    model?: string;
    iterations?: Partial<
      Record<
        Complexity,
        Pick<
          GenerationConfig,
          'planningIterations' | 'implementationIterations' | 'validationFixes'
        >
      >
    >;
  } & Record<string, unknown>;
  budgets?: Partial<Record<Complexity, SessionBudget>>;
  concurrency: { global: number; perCampaign: number };
  deploy?: { target: string; externalValidator: boolean };
  /** Where each secret setting came from; never its value. */
  secrets?: { name: string; source: SecretSource }[];
  templates: { name: string; version: string; placeholders?: string[]; text: string }[];
}

/** Where a secret setting's value came from (core/secrets/names.ts). */
export type SecretSource = 'env' | 'file' | 'vault' | 'unset';

export interface Profile {
  id: string;
  version: string;
  description: string;
}

/** One progress event from the SSE streams (functions/routes/events.ts, db/progress.ts). */
export type LiveEventType = 'progress' | 'agent' | 'log' | 'status' | 'snapshot' | 'heartbeat';

/** The agent's normalised event (runner/agent/port.ts), carried by `agent` events. */
export interface AgentDetail {
  kind:
    | 'init'
    | 'text'
    | 'tool_use'
    | 'tool_result'
    | 'permission_denied'
    | 'api_retry'
    | 'rate_limit'
    | 'result'
    | string;
  text?: string;
  tool?: string;
  summary?: string;
  input?: unknown;
  isError?: boolean;
  costUsd?: number;
  turns?: number;
  subtype?: string;
}

export interface LiveEvent {
  seq: number;
  scenarioId: string;
  runId: string | null;
  campaignId: string | null;
  type: LiveEventType;
  phase: Phase | null;
  iteration: number | null;
  progress?: number | null;
  status?: ScenarioStatus | null;
  message: string | null;
  level?: 'debug' | 'info' | 'warn' | 'error' | string;
  costUsd?: number | null;
  /** The scenario's cumulative cost after this event. */
  totalCostUsd?: number | null;
  /** The scenario's new "last action", when the event sets one. */
  lastAction?: string | null;
  at: string;
  detail?: AgentDetail;
}

/** A card's live columns, as the campaign stream's snapshot sends them. */
export type ScenarioSnapshot = Pick<
  Scenario,
  | 'id'
  | 'status'
  | 'phase'
  | 'iteration'
  | 'progress'
  | 'lastAction'
  | 'costUsd'
  | 'eventSeq'
  | 'startedAt'
  | 'finishedAt'
  | 'error'
> & { campaignId?: string };

/** `snapshot` data: the campaign stream sends `scenarios`, the scenario stream `scenario` and `log`. */
export interface SnapshotData {
  scenarios?: ScenarioSnapshot[];
  scenario?: Scenario;
  log?: LiveEvent[];
}

/** A field problem from an `application/problem+json` body. */
export interface FieldIssue {
  field: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldIssue[];
}
