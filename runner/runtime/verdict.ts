import type { FindingInput } from '../validate/types.ts';
import type { Evidence, RuntimeStatus, StepResult } from './types.ts';

/**
 * The two verdicts of a run, derived here and nowhere else:
 * - status: `failed` when any finding is an error; else `not-exercised` when anything needed
 *   was missing (a resource, a tool); else `passed`;
 * - evidence: `ran` when initialisation, setup and develop all passed and health answered (or
 *   nothing declares one); `tested` when, in addition, tests ran and all passed. The 2025-08-07
 *   format has no lifecycle: it reaches `tested` when test.sh passes, else stays `structure`.
 */

export interface VerdictInput {
  lifecycle: boolean;
  /** Required resources that were missing. */
  missingResources: readonly string[];
  steps: readonly StepResult[];
  findings: readonly FindingInput[];
}

/** The run's status, evidence and everything that was missing. */
export interface Verdict {
  status: RuntimeStatus;
  evidence: Evidence;
  /** Everything that was missing: resources, then tools and commands of steps. */
  missing: string[];
}

const bad = (s: StepResult): boolean => s.status === 'failed' || s.status === 'not-exercised';

/** Derives the verdicts from the steps, findings and missing resources. */
export function judgeRun(input: VerdictInput): Verdict {
  const missing = [...input.missingResources];
  for (const s of input.steps)
    for (const m of s.missing ?? []) if (!missing.includes(m)) missing.push(m);
  const errors = input.findings.filter((f) => f.severity === 'error');
  const status: RuntimeStatus =
    errors.length > 0 ? 'failed' : missing.length > 0 ? 'not-exercised' : 'passed';

  const of = (...phases: StepResult['phase'][]): StepResult[] =>
    input.steps.filter((s) => phases.includes(s.phase));
  const tests = of('test');
  const testsPassed =
    tests.some((s) => s.status === 'passed') &&
    !tests.some((s) => bad(s) || s.note?.startsWith('not run'));
  if (input.missingResources.length > 0) return { status, evidence: 'structure', missing };
  if (!input.lifecycle)
    return {
      status,
      evidence: testsPassed && !of('initialization').some(bad) ? 'tested' : 'structure',
      missing,
    };

  const health = of('health');
  const broken = new Set(['runtime.health.unanswered', 'runtime.develop.exited']);
  const ran =
    !of('initialization', 'setup', 'develop').some(
      (s) => bad(s) || s.note?.startsWith('not run'),
    ) &&
    health.length > 0 &&
    !errors.some((f) => broken.has(f.ruleId));
  return { status, evidence: ran ? (testsPassed ? 'tested' : 'ran') : 'structure', missing };
}
