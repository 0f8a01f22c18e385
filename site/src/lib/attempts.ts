import type { Finding, Validation } from './types.ts';

/** One attempt of a phase's checks: every validator's result of that attempt together. */
export interface AttemptGroup {
  key: string;
  phase: string;
  attempt: number;
  results: Validation[];
  passed: boolean;
  errors: number;
  warnings: number;
  /** Against the phase's previous attempt; absent on the first. */
  changes?: { fixed: Finding[]; added: Finding[]; still: Finding[] };
}

/** Validators as a person would name them. */
export const VALIDATOR_NAME: Record<string, string> = {
  builtin: 'Built-in rules',
  external: 'Your validator',
  runtime: 'Runtime check',
};

const identity = (f: Finding) => f.signature || `${f.ruleId}|${f.file ?? ''}|${f.message}`;

/**
 * Groups a run's validation results by phase and attempt (in the order they ran) and says what
 * changed from one attempt to the next: findings fixed, new, and still there.
 */
export function groupAttempts(items: Validation[]): AttemptGroup[] {
  const groups = new Map<string, AttemptGroup>();
  for (const v of items) {
    const key = `${v.phase}:${v.attempt}`;
    let g = groups.get(key);
    if (!g) {
      g = {
        key,
        phase: v.phase,
        attempt: v.attempt,
        results: [],
        passed: true,
        errors: 0,
        warnings: 0,
      };
      groups.set(key, g);
    }
    g.results.push(v);
    g.passed &&= v.passed;
    g.errors += v.errorCount;
    g.warnings += v.warningCount;
  }
  const previous = new Map<string, AttemptGroup>();
  for (const g of groups.values()) {
    const before = previous.get(g.phase);
    if (before) {
      const now = g.results.flatMap((r) => r.findings);
      const then = before.results.flatMap((r) => r.findings);
      const nowIds = new Set(now.map(identity));
      const thenIds = new Set(then.map(identity));
      g.changes = {
        fixed: then.filter((f) => !nowIds.has(identity(f))),
        added: now.filter((f) => !thenIds.has(identity(f))),
        still: now.filter((f) => thenIds.has(identity(f))),
      };
    }
    previous.set(g.phase, g);
  }
  return [...groups.values()];
}
