import { runExternalValidator } from '../validate/external/run.ts';
import type { Profile } from '../validate/types.ts';
import type { FindingInput } from '../validate/types.ts';
import { Tail } from './process/tail.ts';
import type { RuntimeCheckOptions, StepResult } from './types.ts';

/**
 * The user's own runtime check, from a real Vrooli checkout (VROOLI_ROOT): a command such as
 * `vrooli scenario test {name}`, run like the external validator — on an isolated copy at the
 * profile's place with the checkout's scripts/ beside it, an allow-listed environment, as the
 * agent user — and its tagged output parsed into findings (an error line fails it even with
 * exit 0). What it checked is its own business: a pass counts as evidence `ran`, no more.
 */

export interface ExternalRuntime {
  /** argv; `{name}`, `{dir}` (the copy) and `{root}` (the isolated checkout) are replaced. */
  command: readonly string[];
  /** The Vrooli checkout whose scripts/ the command needs. */
  vrooliRoot: string;
  /** `after` the built-in check (unless that failed), or `instead` of it. */
  mode: 'after' | 'instead';
  /** Default: the check's step timeout. */
  timeoutMs?: number;
}

/** The command's run as a step, its findings (`runtime.*`), and its verdict. */
export interface ExternalRun {
  step: StepResult;
  findings: FindingInput[];
  passed: boolean;
}

/** Runs the configured command on a fresh copy of the scenario. */
export async function runExternalRuntime(
  options: RuntimeCheckOptions & { external: ExternalRuntime },
  target: { dir: string; name: string; profile: Profile },
  limits: { stepTimeoutMs: number; tailBytes: number },
): Promise<ExternalRun> {
  const ext = options.external;
  const r = await runExternalValidator({
    command: ext.command,
    scenarioDir: target.dir,
    name: target.name,
    layout: target.profile.deployPath(target.name),
    timeoutMs: ext.timeoutMs ?? limits.stepTimeoutMs,
    seed: { from: ext.vrooliRoot, paths: ['scripts'] },
    ...(options.env ? { env: options.env } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.runAs ? { runAs: options.runAs } : {}),
  });
  const tail = new Tail(limits.tailBytes);
  for (const line of r.output.split('\n')) tail.push(line);
  const findings = r.findings.map(({ signature: _, ...f }) => ({
    ...f,
    ruleId: f.ruleId.startsWith('runtime.') ? f.ruleId : `runtime.${f.ruleId}`,
  }));
  return {
    passed: r.passed,
    findings,
    step: {
      phase: 'external',
      name: 'runtime command',
      command: JSON.stringify(r.command),
      status: r.passed ? 'passed' : 'failed',
      exitCode: r.exitCode,
      timedOut: r.timedOut,
      durationMs: r.durationMs,
      outputTail: tail.text(),
    },
  };
}
