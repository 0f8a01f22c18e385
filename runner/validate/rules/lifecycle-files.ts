import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { FindingList } from '../findings.ts';
import { isObject, jsonPath } from '../json.ts';
import { lexicalRelative } from '../paths.ts';
import type { ScenarioContext, Severity } from '../types.ts';
import {
  mayBeProduced,
  mergeProducts,
  scanStep,
  type PathUse,
  type Products,
} from './lifecycle-scan.ts';

/**
 * Lifecycle steps against the scenario's files: every folder a step enters, script it runs or
 * file it chmods must exist or be created by a step; every `file_exists` condition must be
 * satisfiable; what `develop` starts must be what `setup` builds. Vrooli's lifecycle
 * (scripts/lib/utils/lifecycle.sh) stops a phase at the first failing step and skips a step whose
 * condition does not hold, so a missing file means a scenario that does not start.
 */

export interface LifecycleFilesPolicy {
  /** How a missing file or folder is judged (a step that tolerates the failure: warning). */
  severity: Severity;
}

interface Step {
  phase: string;
  index: number;
  label: string;
  uses: PathUse[];
  condition: unknown;
}

/** Vrooli's own scripts, run from its checkout (`scripts/resources/populate/populate.sh .`). */
const VROOLI_OWN = /^scripts\/(?:resources|lib|scenarios)\/|^scripts\/manage\.sh$/;
const CONDITION_KEYS = ['file_exists', 'directory_exists'] as const;

const VERB: Record<PathUse['form'], string> = {
  cd: 'enters',
  run: 'runs',
  bash: 'runs',
  chmod: 'makes executable',
  node: 'runs',
};

async function kindOf(abs: string): Promise<'file' | 'dir' | null> {
  const st = await stat(abs).catch(() => null);
  return st === null ? null : st.isDirectory() ? 'dir' : 'file';
}

function readSteps(lifecycle: Record<string, unknown>): {
  steps: Step[];
  products: Products;
  setup: Products;
} {
  const steps: Step[] = [];
  const products: Products = { files: new Set(), dirs: new Set(), builds: new Set() };
  const setup: Products = { files: new Set(), dirs: new Set(), builds: new Set() };
  for (const [phase, body] of Object.entries(lifecycle)) {
    if (!isObject(body) || !Array.isArray(body['steps'])) continue;
    body['steps'].forEach((step, index) => {
      if (!isObject(step)) return;
      const name = typeof step['name'] === 'string' ? step['name'] : `steps[${index}]`;
      const label = `lifecycle.${phase} step "${name}"`;
      const run = typeof step['run'] === 'string' ? step['run'] : '';
      const scan = scanStep(run);
      mergeProducts(products, scan.products);
      if (phase === 'setup') mergeProducts(setup, scan.products);
      steps.push({ phase, index, label, uses: scan.uses, condition: step['condition'] });
    });
  }
  return { steps, products, setup };
}

/** When `rel` looks like a binary: another one setup builds in the same folder. */
function builtSibling(setup: Products, rel: string): string | undefined {
  if (path.posix.basename(rel).includes('.')) return undefined;
  const dir = path.posix.dirname(rel);
  return [...setup.files].find((f) => f !== rel && path.posix.dirname(f) === dir);
}

/** Checks what lifecycle steps enter, run and wait for against the scenario's files. */
export async function checkLifecycleFiles(
  ctx: ScenarioContext,
  list: FindingList,
  file: string,
  sj: Record<string, unknown>,
  policy: LifecycleFilesPolicy,
): Promise<void> {
  const lifecycle = sj['lifecycle'];
  if (!isObject(lifecycle)) return;
  const { steps, products, setup } = readSteps(lifecycle);
  const exists = async (rel: string, want: 'file' | 'dir' | 'any'): Promise<boolean> => {
    const kind = await kindOf(path.join(ctx.dir, rel));
    if (kind !== null) return want === 'any' || kind === want;
    if (mayBeProduced(products, rel)) return true;
    // `mkdir -p a/b` creates a too; a file built inside a missing folder does not create it.
    return want !== 'file' && [...products.dirs].some((d) => d.startsWith(`${rel}/`));
  };
  for (const step of steps) {
    const at = ['lifecycle', step.phase, 'steps', step.index];
    const reported = new Set<string>();
    const missingDirs: string[] = [];
    for (const use of step.uses) {
      if (missingDirs.some((d) => use.rel === d || use.rel.startsWith(`${d}/`))) continue;
      if (VROOLI_OWN.test(use.rel) && !(await exists(use.rel, 'any'))) continue;
      if (await exists(use.rel, use.form === 'cd' ? 'dir' : 'any')) continue;
      if (reported.has(use.rel)) continue;
      reported.add(use.rel);
      const severity = use.tolerated ? 'warning' : policy.severity;
      const where = { file, jsonPath: jsonPath([...at, 'run']) };
      const quiet = use.tolerated
        ? ' The step tolerates the failure, so it silently does nothing.'
        : '';
      if (use.form === 'cd') {
        missingDirs.push(use.rel);
        list.add({
          severity,
          ruleId: 'lifecycle.dir-missing',
          message: `${step.label} enters ${use.rel}/, which does not exist and no step creates.${quiet}`,
          ...where,
          hint: `Create ${use.rel}/ or fix the cd in the step.`,
        });
        continue;
      }
      const sibling = step.phase === 'setup' ? undefined : builtSibling(setup, use.rel);
      if (sibling !== undefined && use.form === 'run') {
        list.add({
          severity,
          ruleId: 'lifecycle.binary-mismatch',
          message: `${step.label} starts ${use.rel}, but setup builds ${sibling}; nothing creates ${use.rel}.${quiet}`,
          ...where,
          hint: `Build the binary develop starts (e.g. go build -o ${path.posix.basename(use.rel)}), or start ${sibling}.`,
        });
        continue;
      }
      list.add({
        severity,
        ruleId: 'lifecycle.file-missing',
        message: `${step.label} ${VERB[use.form]} ${use.rel} (written ${JSON.stringify(use.written)}), which does not exist and no step creates.${quiet}`,
        ...where,
        hint: `Create ${use.rel} or fix the step's command.`,
      });
    }
    if (!isObject(step.condition)) continue;
    for (const key of CONDITION_KEYS) {
      const target = step.condition[key];
      if (typeof target !== 'string') continue;
      const lex = lexicalRelative(target);
      if (!lex.ok || reported.has(lex.rel)) continue;
      if (await exists(lex.rel, key === 'directory_exists' ? 'dir' : 'any')) continue;
      const sibling = step.phase === 'setup' ? undefined : builtSibling(setup, lex.rel);
      list.add({
        severity: policy.severity,
        ruleId: sibling === undefined ? 'lifecycle.condition-missing' : 'lifecycle.binary-mismatch',
        message:
          `${step.label} runs only when ${lex.rel} exists, but the scenario has no ${lex.rel} and no step creates it: the step never runs.` +
          (sibling === undefined ? '' : ` Setup builds ${sibling} instead.`),
        file,
        jsonPath: jsonPath([...at, 'condition', key]),
        hint: `Create ${lex.rel} in setup, or fix the condition.`,
      });
    }
  }
  await checkSetupBinaries(list, file, lifecycle, exists);
}

/** `setup.condition.checks[type=binaries].targets`: each should be what setup builds. */
async function checkSetupBinaries(
  list: FindingList,
  file: string,
  lifecycle: Record<string, unknown>,
  exists: (rel: string, want: 'file' | 'dir' | 'any') => Promise<boolean>,
): Promise<void> {
  const setup = lifecycle['setup'];
  const checks =
    isObject(setup) && isObject(setup['condition']) ? setup['condition']['checks'] : null;
  if (!Array.isArray(checks)) return;
  for (const [c, check] of checks.entries()) {
    if (!isObject(check) || check['type'] !== 'binaries' || !Array.isArray(check['targets']))
      continue;
    for (const [t, target] of check['targets'].entries()) {
      if (typeof target !== 'string') continue;
      const lex = lexicalRelative(target);
      if (!lex.ok || (await exists(lex.rel, 'file'))) continue;
      list.warning(
        'lifecycle.binary-not-built',
        `Setup counts as done when ${lex.rel} exists, but no setup step builds it, so setup runs again on every start.`,
        {
          file,
          jsonPath: jsonPath(['lifecycle', 'setup', 'condition', 'checks', c, 'targets', t]),
          hint: `Build ${lex.rel} in a setup step (e.g. go build -o ${path.posix.basename(lex.rel)}).`,
        },
      );
    }
  }
}
