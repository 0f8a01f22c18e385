import type { FindingInput } from '../../validate/types.ts';
import type { ScratchPostgres } from '../resources/providers.ts';
import type { ServiceModel } from '../service.ts';
import type { ResourceResult, StepResult } from '../types.ts';
import { applySqlFiles } from './sql-apply.ts';
import { planSql } from './sql-files.ts';
import { checkWorkflows } from './workflows.ts';

/**
 * The scenario's initialisation, as Vrooli's injection (and later populate.sh) applied it: SQL
 * files to the scratch database, workflows checked for consistency, and a line for each
 * resource that is not provided here. Its outcome is what the populate.sh stand-in reports.
 */

export interface Initialised {
  /** The initialisation step, or null when there was nothing to initialise. */
  step: StepResult | null;
  findings: FindingInput[];
  /** False when SQL failed: the database is not what the scenario expects, so nothing runs. */
  ok: boolean;
  /** What populate.sh prints. */
  log: string[];
}

/** What the initialisation works on. */
export interface InitialiseInput {
  model: ServiceModel;
  /** The scenario's copy. */
  dir: string;
  postgres?: ScratchPostgres;
  resources: readonly ResourceResult[];
  /** The 2025-08-07 format: categorised resources, `initialization.data`. */
  categorised: boolean;
  timeoutMs: number;
}

/** Applies the SQL, checks the workflows and writes what populate.sh will print. */
export async function initialise(input: InitialiseInput): Promise<Initialised> {
  const started = performance.now();
  const log: string[] = [];
  const findings: FindingInput[] = [];
  let ok = true;
  const plan = await planSql(input.model, input.dir, input.categorised);
  if (plan.files.length > 0 && input.postgres) {
    log.push(`postgres: applying ${plan.files.length} SQL file(s) from ${plan.source}`);
    const applied = await applySqlFiles(input.postgres, input.dir, plan.files, input.timeoutMs);
    log.push(...applied.lines.map((l) => `  ${l}`));
    findings.push(...applied.findings);
    ok = applied.ok;
  }
  const workflows = await checkWorkflows(input.dir);
  if (workflows.checked.length > 0) {
    const bad = new Set(workflows.findings.map((f) => f.file));
    log.push(
      `workflows: ${workflows.checked.length} checked for consistency, ${bad.size} inconsistent (not imported: no workflow engine is provided)`,
    );
    findings.push(...workflows.findings);
  }
  for (const r of input.resources)
    if (r.status === 'missing') log.push(`${r.name}: not provided here (${r.reason}); skipped`);
  const did = plan.files.length > 0 || workflows.checked.length > 0;
  const failed = findings.some((f) => f.severity === 'error');
  return {
    step: did
      ? {
          phase: 'initialization',
          name: 'initialization',
          status: failed ? 'failed' : 'passed',
          exitCode: null,
          timedOut: false,
          durationMs: Math.round(performance.now() - started),
          outputTail: log.join('\n'),
        }
      : null,
    findings,
    ok,
    log,
  };
}
