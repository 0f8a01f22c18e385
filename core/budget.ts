import { BUDGET_LIMITS, type AgentName, type Complexity, type GenerationConfig } from './domain.ts';

/**
 * Budgets of a run: iteration counts from the scenario's config, and per-session limits (turns,
 * cost cap, timeouts) by complexity from settings (`budgets` key), which a request may lower or
 * raise within the hard limits.
 */
export interface SessionBudget {
  maxTurns: number;
  maxBudgetUsd: number;
  timeoutMs: number;
  idleTimeoutMs: number;
}

export interface RunBudget extends GenerationConfig {
  model: string;
  session: SessionBudget;
  /** The settings' default agent when the run started: below the scenario's and the campaign's
   * choice, above the AGENT setting. */
  defaultAgent?: AgentName;
  /** The settings' usage-limit back-off when the run started (else the environment's). */
  usageLimitBackoffMs?: number;
  /** A change request: the run starts from the deployed bundle of `baseRunId` and changes it. */
  change?: ChangeRequest;
}

/** What a change run changes, and the deployed version it starts from. */
export interface ChangeRequest {
  request: string;
  baseRunId: string;
  baseRunNumber: number;
  baseBundleKey: string;
}

export const DEFAULT_BUDGETS: Record<Complexity, SessionBudget> = {
  simple: { maxTurns: 30, maxBudgetUsd: 2, timeoutMs: 10 * 60_000, idleTimeoutMs: 3 * 60_000 },
  intermediate: {
    maxTurns: 50,
    maxBudgetUsd: 5,
    timeoutMs: 20 * 60_000,
    idleTimeoutMs: 4 * 60_000,
  },
  advanced: { maxTurns: 80, maxBudgetUsd: 10, timeoutMs: 30 * 60_000, idleTimeoutMs: 5 * 60_000 },
};

/** Per-complexity overrides of the session budgets (the `budgets` setting). */
export type BudgetOverrides = Partial<Record<Complexity, Partial<SessionBudget>>>;

export function resolveBudget(
  complexity: Complexity,
  config: GenerationConfig,
  defaultModel: string,
  overrides: BudgetOverrides = {},
): RunBudget {
  const base = { ...DEFAULT_BUDGETS[complexity], ...(overrides[complexity] ?? {}) };
  const session: SessionBudget = {
    ...base,
    maxTurns: Math.min(config.maxTurns ?? base.maxTurns, BUDGET_LIMITS.maxTurns),
    maxBudgetUsd: Math.min(config.maxBudgetUsd ?? base.maxBudgetUsd, BUDGET_LIMITS.maxBudgetUsd),
  };
  return { ...config, model: config.model ?? defaultModel, session };
}
