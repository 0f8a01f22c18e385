import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { RunAs } from '../../boundary/identity.ts';
import { runBounded } from '../../validate/external/spawn.ts';
import type { FindingInput } from '../../validate/types.ts';
import { commandsNotFound, isMachineTool } from '../process/missing.ts';
import { Tail } from '../process/tail.ts';
import { stepEnv, stepId } from '../sandbox/env.ts';
import { readMarks } from '../sandbox/standins.ts';
import type { Phase, StepResult } from '../types.ts';

/**
 * One foreground step, the way Vrooli's lifecycle ran it: `bash -c <run>` from the scenario
 * folder, retried as its `retry` says, here as the agent user with the run's environment, a
 * timeout, and its process group killed when it ends. Its verdict: passed, failed (a finding),
 * or not exercised when it failed for want of a tool this machine lacks.
 */

export interface StepSpec {
  phase: Phase;
  name: string;
  run: string;
  attempts?: number;
  retryDelayMs?: number;
  fileExists?: string;
  dirExists?: string;
  /** Where a failure finding points: the file, and a JSONPath into it. */
  file: string;
  jsonPath?: string;
}

/** Where and how steps run: the copy, the run's environment, the agent user, limits. */
export interface StepContext {
  cwd: string;
  env: Record<string, string>;
  stateDir: string;
  runAs?: RunAs;
  timeoutMs: number;
  tailBytes: number;
  signal: AbortSignal;
}

/** A step's result and the findings it produced. */
export interface StepOutcome {
  result: StepResult;
  findings: FindingInput[];
}

async function holds(cwd: string, rel: string | undefined, dir: boolean): Promise<boolean> {
  if (rel === undefined) return true;
  const st = await stat(path.resolve(cwd, rel)).catch(() => null);
  return st !== null && (dir ? st.isDirectory() : st.isFile());
}

/** Why a step's `condition` keeps it from running (Vrooli skips such a step), or null. */
export async function unmetCondition(
  cwd: string,
  spec: Pick<StepSpec, 'fileExists' | 'dirExists'>,
): Promise<string | null> {
  if (!(await holds(cwd, spec.fileExists, false)))
    return `condition file_exists ${spec.fileExists} does not hold`;
  if (!(await holds(cwd, spec.dirExists, true)))
    return `condition directory_exists ${spec.dirExists} does not hold`;
  return null;
}

function lastLine(tail: string): string {
  const lines = tail.split('\n').filter((l) => l.trim() !== '');
  const line = lines.at(-1) ?? '(no output)';
  return line.length > 240 ? `${line.slice(0, 240)}…` : line;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });
}

/** A hint for the commonest failure: a path the step runs or enters does not exist. */
function hintFor(output: string, phase: Phase): string | undefined {
  const m = /: (\S+): No such file or directory/.exec(output);
  if (m)
    return `${m[1]} does not exist when this step runs: a setup step must create it (build the binary, install the script), or the step must use the right path.`;
  if (phase === 'test') return 'The test failed: its output tail shows why.';
  return undefined;
}

/** Runs one foreground step (with its retries) and judges it. */
export async function runStep(spec: StepSpec, ctx: StepContext): Promise<StepOutcome> {
  const base = {
    phase: spec.phase,
    name: spec.name,
    command: spec.run,
    status: 'passed' as StepResult['status'],
    exitCode: null,
    timedOut: false,
    durationMs: 0,
    outputTail: '',
  };
  const unmet = await unmetCondition(ctx.cwd, spec);
  if (unmet !== null) return { result: { ...base, status: 'skipped', note: unmet }, findings: [] };
  const id = stepId(spec.phase, spec.name);
  const env = stepEnv(ctx.env, spec.phase, spec.name);
  const attempts = spec.attempts ?? 1;
  const started = performance.now();
  let tail = new Tail(ctx.tailBytes);
  let run = await runOnce();
  for (let a = 2; a <= attempts && run.exitCode !== 0 && !ctx.signal.aborted; a++) {
    await sleep(spec.retryDelayMs ?? 1000, ctx.signal);
    tail = new Tail(ctx.tailBytes);
    run = await runOnce();
  }
  async function runOnce() {
    return runBounded({
      command: ['bash', '-c', spec.run],
      cwd: ctx.cwd,
      env,
      timeoutMs: ctx.timeoutMs,
      maxBytes: 1024,
      onLine: (l) => tail.push(l),
      signal: ctx.signal,
      ...(ctx.runAs ? { runAs: ctx.runAs } : {}),
    });
  }
  const outputTail = tail.text();
  const marks = await readMarks(ctx.stateDir, id);
  const result: StepResult = {
    ...base,
    status: 'passed',
    exitCode: run.exitCode,
    timedOut: run.timedOut,
    durationMs: Math.round(performance.now() - started),
    outputTail,
  };
  const where = { file: spec.file, ...(spec.jsonPath ? { jsonPath: spec.jsonPath } : {}) };
  const label = spec.jsonPath ? `lifecycle.${spec.phase} step "${spec.name}"` : spec.name;
  if (run.exitCode === 0) {
    if (marks.length > 0) result.note = `tolerated what is not available here: ${marks.join('; ')}`;
    return { result, findings: [] };
  }
  if (run.timedOut) {
    result.status = 'failed';
    return {
      result,
      findings: [
        {
          severity: 'error',
          ruleId: 'runtime.step.timeout',
          ...where,
          message: `${label} did not finish within ${Math.round(ctx.timeoutMs / 1000)} s.`,
          hint: 'A step that starts a server must run in the background ("background": true).',
        },
      ],
    };
  }
  const tools = commandsNotFound(outputTail).filter(isMachineTool);
  const missing = [...tools.map((t) => `${t} (not installed on this machine)`), ...marks];
  if (missing.length > 0) {
    result.status = 'not-exercised';
    result.missing = missing;
    return {
      result,
      findings: [
        {
          severity: 'warning',
          ruleId: 'runtime.step.not-exercised',
          ...where,
          message: `${label} needs what this machine does not have: ${missing.join('; ')}. It was not exercised.`,
        },
      ],
    };
  }
  result.status = 'failed';
  const exit = run.spawnError ?? `exited with code ${run.exitCode}`;
  const hint = hintFor(outputTail, spec.phase);
  return {
    result,
    findings: [
      {
        severity: 'error',
        ruleId: spec.phase === 'test' ? 'runtime.test.failed' : 'runtime.step.failed',
        ...where,
        message: `${label} ${exit}: ${lastLine(outputTail)}`,
        ...(hint ? { hint } : {}),
      },
    ],
  };
}
