import type { RunAs } from '../../boundary/identity.ts';
import { jsonPath } from '../../validate/json.ts';
import type { FindingInput } from '../../validate/types.ts';
import { startBackground, type BackgroundProcess } from '../process/background.ts';
import { stepEnv } from '../sandbox/env.ts';
import type { LifecycleStep } from '../service.ts';
import type { StepResult } from '../types.ts';

/**
 * The servers `develop` starts: each in the background, in a process group of its own, its
 * output kept; judged before they are stopped — one that exited non-zero failed the run.
 */

/** One server: the step that started it, its process, and its result (updated when judged). */
export interface Supervised {
  step: LifecycleStep;
  proc: BackgroundProcess;
  result: StepResult;
}

/** What starting a server needs. */
export interface ServerContext {
  cwd: string;
  env: Record<string, string>;
  tailBytes: number;
  runAs?: RunAs;
  /** The servers started so far; the caller stops them. */
  supervised: Supervised[];
}

/** Starts a develop step in the background and adds it to `ctx.supervised`. */
export function startSupervised(s: LifecycleStep, ctx: ServerContext): StepResult {
  const proc = startBackground({
    command: ['bash', '-c', s.run],
    cwd: ctx.cwd,
    env: stepEnv(ctx.env, s.phase, s.name),
    tailBytes: ctx.tailBytes,
    ...(ctx.runAs ? { runAs: ctx.runAs } : {}),
  });
  const result: StepResult = {
    phase: s.phase,
    name: s.name,
    command: s.run,
    status: 'passed',
    background: true,
    exitCode: null,
    timedOut: false,
    durationMs: 0,
    outputTail: '',
  };
  ctx.supervised.push({ step: s, proc, result });
  return result;
}

/** Judges the servers develop started (before they are stopped): one that exited non-zero failed. */
export function judgeSupervised(supervised: readonly Supervised[], file: string): FindingInput[] {
  const findings: FindingInput[] = [];
  for (const { step, proc, result } of supervised) {
    const exit = proc.exited();
    result.outputTail = proc.tail.text();
    result.durationMs = Date.now() - proc.startedAt;
    result.exitCode = exit?.code ?? null;
    if (!exit) continue;
    if (exit.code === 0 && !exit.error) {
      if (!proc.alive()) result.note = 'exited with code 0; nothing it started is still running';
      continue;
    }
    result.status = 'failed';
    const lines = result.outputTail.split('\n').filter((l) => l.trim() !== '');
    const why =
      exit.error ??
      (exit.code === null ? `was killed (${exit.signal})` : `exited with code ${exit.code}`);
    const missingPath = /: (\S+): No such file or directory/.exec(result.outputTail)?.[1];
    findings.push({
      severity: 'error',
      ruleId: 'runtime.develop.exited',
      file,
      jsonPath: jsonPath(['lifecycle', step.phase, 'steps', step.index]),
      message: `lifecycle.develop step "${step.name}" ${why}: ${lines.at(-1) ?? '(no output)'}`,
      hint: missingPath
        ? `${missingPath} does not exist when develop starts it: no setup step builds it. Add the build to setup, or start what setup builds.`
        : 'A develop server must keep running: its output tail shows why it stopped.',
    });
  }
  return findings;
}
