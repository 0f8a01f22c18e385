import { BUDGET_LIMITS, type Complexity, type GenerationConfig } from '../../core/domain.ts';
import type { Db } from '../../db/client.ts';

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

/** Reads the settings' budget overrides (partial, per complexity). */
export async function budgetSettings(
  db: Db,
): Promise<Partial<Record<Complexity, Partial<SessionBudget>>>> {
  const [row] = await db<
    { value: Partial<Record<Complexity, Partial<SessionBudget>>> }[]
  >`SELECT value FROM settings WHERE key = 'budgets'`;
  return row?.value ?? {};
}

export function resolveBudget(
  complexity: Complexity,
  config: GenerationConfig,
  defaultModel: string,
  overrides: Partial<Record<Complexity, Partial<SessionBudget>>> = {},
): RunBudget {
  const base = { ...DEFAULT_BUDGETS[complexity], ...(overrides[complexity] ?? {}) };
  const session: SessionBudget = {
    ...base,
    maxTurns: Math.min(config.maxTurns ?? base.maxTurns, BUDGET_LIMITS.maxTurns),
    maxBudgetUsd: Math.min(config.maxBudgetUsd ?? base.maxBudgetUsd, BUDGET_LIMITS.maxBudgetUsd),
  };
  return { ...config, model: config.model ?? defaultModel, session };
}
