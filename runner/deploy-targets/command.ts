import { AppError } from '../../core/errors.ts';
import { handOver } from '../boundary/handover.ts';
import type { RunAs } from '../boundary/identity.ts';
import { runBounded } from '../validate/external/spawn.ts';
import { DEFAULT_ENV_ALLOW } from '../validate/external/run.ts';
import { assertScenarioName, type CommandDeployResult } from './types.ts';

export interface CommandDeployOptions {
  /** The deploy command as argv; `{dir}` and `{name}` are replaced in every element. */
  command: readonly string[];
  scenarioDir: string;
  name: string;
  timeoutMs: number;
  /** Working folder of the command. Default: the scenario folder. */
  cwd?: string;
  /** Where allowed variables are taken from; nothing else reaches the command. */
  env?: Readonly<Record<string, string | undefined>>;
  envAllow?: readonly string[];
  maxOutputBytes?: number;
  signal?: AbortSignal;
  /** The agent user the command runs as; it is given `scenarioDir` (a scratch copy) first. */
  runAs?: RunAs;
}

/**
 * Hands the scenario to the user's own deploy command (argv, never a shell). The exit code
 * decides: 0 is a deploy, anything else — or a timeout, or a command that cannot start — is a
 * `deploy_error` carrying the exit code and the end of the output.
 */
export async function deployWithCommand(
  options: CommandDeployOptions,
): Promise<CommandDeployResult> {
  const name = assertScenarioName(options.name);
  if (options.command.length === 0)
    throw new AppError('deploy_error', 'The deploy command is empty.');
  const command = options.command.map((a) =>
    a.replace(/\{(dir|name)\}/g, (_, k: string) => (k === 'dir' ? options.scenarioDir : name)),
  );
  const env: Record<string, string> = {};
  for (const key of options.envAllow ?? DEFAULT_ENV_ALLOW) {
    const value = options.env?.[key];
    if (value !== undefined) env[key] = value;
  }
  await handOver(options.scenarioDir, options.runAs);
  const run = await runBounded({
    command,
    cwd: options.cwd ?? options.scenarioDir,
    env,
    timeoutMs: options.timeoutMs,
    killStragglers: false,
    ...(options.runAs ? { runAs: options.runAs } : {}),
    ...(options.maxOutputBytes === undefined ? {} : { maxBytes: options.maxOutputBytes }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const details = {
    exitCode: run.exitCode,
    output: run.output.slice(-4000),
    durationMs: run.durationMs,
  };
  if (run.spawnError)
    throw new AppError('deploy_error', `The deploy command could not start: ${run.spawnError}.`, {
      details,
    });
  if (run.timedOut)
    throw new AppError(
      'deploy_error',
      `The deploy command did not finish within ${options.timeoutMs} ms.`,
      { details },
    );
  if (run.exitCode !== 0) {
    const how =
      run.exitCode === null ? 'was killed by a signal' : `exited with code ${run.exitCode}`;
    throw new AppError('deploy_error', `The deploy command ${how}.`, { details });
  }
  return {
    target: 'command',
    location: options.scenarioDir,
    exitCode: 0,
    output: run.output,
    outputTruncated: run.truncated,
    durationMs: run.durationMs,
  };
}
