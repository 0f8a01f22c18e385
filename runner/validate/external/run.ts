import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AppError } from '../../../core/errors.ts';
import { handOver } from '../../boundary/handover.ts';
import type { RunAs } from '../../boundary/identity.ts';
import { copyPath, copyScenarioTree } from '../../deploy-targets/copy.ts';
import { lexicalRelative } from '../paths.ts';
import type { Finding } from '../types.ts';
import { TaggedOutputParser } from './parse.ts';
import { runBounded } from './spawn.ts';
import { judgeExternal } from './verdict.ts';

/** Environment variables passed through when no allow-list is given. */
export const DEFAULT_ENV_ALLOW: readonly string[] = [
  'PATH',
  'LANG',
  'LC_ALL',
  'LC_CTYPE',
  'TZ',
  'TERM',
];

export interface ExternalValidatorOptions {
  /**
   * The command as argv. Placeholders in any element: `{name}` (scenario name), `{root}` (the
   * isolated root, standing in for VROOLI_ROOT), `{dir}` (the scenario's copy inside it).
   */
  command: readonly string[];
  scenarioDir: string;
  name: string;
  /** Where the command expects the scenario, relative to the root: a profile's `deployPath(name)`. */
  layout: string;
  timeoutMs: number;
  /** Where allowed variables are taken from (the parsed config's environment; nothing is read ad hoc). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Names of variables passed through from `env`. Default DEFAULT_ENV_ALLOW. */
  envAllow?: readonly string[];
  /**
   * Files the command needs beside the scenario (e.g. Vrooli's `scripts/` from a checkout),
   * copied from `from` into the isolated root at the same relative paths.
   */
  seed?: { from: string; paths: readonly string[] };
  /** Bytes of raw output kept. Default 256 KiB; every line is parsed regardless. */
  maxOutputBytes?: number;
  signal?: AbortSignal;
  /** The agent user the command runs as; it is given the isolated root and nothing else. */
  runAs?: RunAs;
}

export interface ExternalValidatorResult {
  passed: boolean;
  findings: Finding[];
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  /** The argv actually run (placeholders replaced). */
  command: string[];
  output: string;
  outputTruncated: boolean;
}

function fill(arg: string, vars: Record<string, string>): string {
  return arg.replace(/\{(name|root|dir)\}/g, (_, k: string) => vars[k]!);
}

function buildEnv(
  options: ExternalValidatorOptions,
  root: string,
  home: string,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of options.envAllow ?? DEFAULT_ENV_ALLOW) {
    const value = options.env?.[key];
    if (value !== undefined) env[key] = value;
  }
  env['HOME'] = home;
  env['VROOLI_ROOT'] = root;
  return env;
}

/**
 * Runs a user's validator (e.g. `scenario-to-app.sh {name} --dry-run`) on an isolated copy of
 * the scenario: a fresh temporary root holding the scenario at `layout` (and any `seed` files),
 * a HOME of its own, only allow-listed environment variables, cwd at the root. Its tagged output
 * becomes findings; the verdict follows `judgeExternal` (error lines fail even with exit 0).
 * The temporary root is removed afterwards.
 */
export async function runExternalValidator(
  options: ExternalValidatorOptions,
): Promise<ExternalValidatorResult> {
  if (options.command.length === 0)
    throw new AppError('invalid_input', 'The external validator command is empty.');
  const layout = lexicalRelative(options.layout);
  if (!layout.ok)
    throw new AppError(
      'invalid_input',
      `Invalid scenario layout "${options.layout}": ${layout.reason}.`,
    );
  const root = await realpath(await mkdtemp(path.join(tmpdir(), 'sg-extval-')));
  try {
    const dir = path.join(root, layout.rel);
    await copyScenarioTree(options.scenarioDir, dir);
    for (const p of options.seed?.paths ?? []) {
      const rel = lexicalRelative(p);
      if (!rel.ok) throw new AppError('invalid_input', `Invalid seed path "${p}": ${rel.reason}.`);
      await copyPath(path.join(options.seed!.from, rel.rel), path.join(root, rel.rel));
    }
    const home = path.join(root, '.home');
    await mkdir(home, { recursive: true });
    await handOver(root, options.runAs);
    const command = options.command.map((a) => fill(a, { name: options.name, root, dir }));
    const parser = new TaggedOutputParser({ name: options.name });
    const run = await runBounded({
      command,
      cwd: root,
      env: buildEnv(options, root, home),
      timeoutMs: options.timeoutMs,
      ...(options.maxOutputBytes === undefined ? {} : { maxBytes: options.maxOutputBytes }),
      onLine: (line) => parser.push(line),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.runAs ? { runAs: options.runAs } : {}),
    });
    const verdict = judgeExternal({
      findings: parser.finish().findings,
      exitCode: run.exitCode,
      timedOut: run.timedOut,
      spawnError: run.spawnError,
      timeoutMs: options.timeoutMs,
    });
    return {
      passed: verdict.passed,
      findings: verdict.findings,
      exitCode: run.exitCode,
      timedOut: run.timedOut,
      durationMs: run.durationMs,
      command,
      output: run.output,
      outputTruncated: run.truncated,
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
