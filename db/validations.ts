import type { Db } from './client.ts';

export interface ValidationRow {
  id: string;
  runId: string;
  scenarioId: string;
  phase: string;
  validator: string;
  profile: string;
  attempt: number;
  passed: boolean;
  errorCount: number;
  warningCount: number;
  findings: unknown[];
  exitCode: number | null;
  rawOutputKey: string | null;
  durationMs: number | null;
  createdAt: Date;
}

export async function saveValidation(
  db: Db,
  r: Omit<ValidationRow, 'id' | 'createdAt'>,
): Promise<void> {
  await db`
    INSERT INTO validation_results (run_id, scenario_id, phase, validator, profile, attempt, passed, error_count, warning_count,
                                    findings, exit_code, raw_output_key, duration_ms)
    VALUES (${r.runId}, ${r.scenarioId}, ${r.phase}, ${r.validator}, ${r.profile}, ${r.attempt}, ${r.passed}, ${r.errorCount},
            ${r.warningCount}, ${db.json(r.findings as never)}, ${r.exitCode}, ${r.rawOutputKey}, ${r.durationMs})
    ON CONFLICT (run_id, phase, validator, attempt) DO UPDATE SET passed = EXCLUDED.passed, error_count = EXCLUDED.error_count,
      warning_count = EXCLUDED.warning_count, findings = EXCLUDED.findings, exit_code = EXCLUDED.exit_code,
      raw_output_key = EXCLUDED.raw_output_key, duration_ms = EXCLUDED.duration_ms`;
}

export async function listValidations(db: Db, runId: string): Promise<ValidationRow[]> {
  return db<ValidationRow[]>`
    SELECT id, run_id AS "runId", scenario_id AS "scenarioId", phase, validator, profile, attempt, passed,
           error_count AS "errorCount", warning_count AS "warningCount", findings, exit_code AS "exitCode",
           raw_output_key AS "rawOutputKey", duration_ms AS "durationMs", created_at AS "createdAt"
      FROM validation_results WHERE run_id = ${runId} ORDER BY created_at, attempt`;
}

/** The most frequent active error patterns of earlier runs (the prompts' lessons). */
export async function topPatterns(
  db: Db,
  limit = 5,
): Promise<Array<{ ruleId: string | null; description: string; occurrences: number }>> {
  return db`
    SELECT rule_id AS "ruleId", description, occurrences FROM improvement_patterns
     WHERE active ORDER BY occurrences DESC, last_seen DESC LIMIT ${limit}`;
}

/** The last validation attempt of a run in which every validator passed, if any. */
export async function lastPassingAttempt(db: Db, runId: string): Promise<number | undefined> {
  const [row] = await db<{ attempt: number }[]>`
    SELECT attempt FROM validation_results WHERE run_id = ${runId} AND phase = 'validating'
     GROUP BY attempt HAVING bool_and(passed) ORDER BY attempt DESC LIMIT 1`;
  return row?.attempt;
}
