import type { RunAs } from '../../boundary/identity.ts';
import { RUNTIME_ENV_MARKER } from '../process/sweep.ts';
import type { Sandbox } from './layout.ts';

/**
 * The whole environment of every step: allow-listed basics from the server's configuration
 * (PATH, locale, time zone, terminal), a scratch HOME and TMPDIR, the variables of the scratch
 * resources and ports, and the run's marker. Nothing else of the server's environment (its
 * secrets, its DATABASE_URL) reaches model-written code.
 */

const PASSED_THROUGH = ['LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TERM'] as const;
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** What the run's environment is built from. */
export interface EnvInput {
  sandbox: Sandbox;
  name: string;
  runId: string;
  /** Where PATH and the locale come from. */
  source: Readonly<Record<string, string | undefined>>;
  /** Resource and port variables. */
  variables: Record<string, string>;
  runAs?: RunAs;
}

/** The base environment of the run (each step adds SG_RUNTIME_STEP and Vrooli's VROOLI_*). */
export function runEnv(input: EnvInput): Record<string, string> {
  const { sandbox } = input;
  const env: Record<string, string> = {};
  for (const key of PASSED_THROUGH) {
    const value = input.source[key];
    if (value !== undefined) env[key] = value;
  }
  env['PATH'] = [
    sandbox.bin,
    `${sandbox.home}/.vrooli/bin`,
    `${sandbox.home}/.local/bin`,
    input.source['PATH'] || DEFAULT_PATH,
  ].join(':');
  env['HOME'] = sandbox.home;
  env['TMPDIR'] = sandbox.tmp;
  if (input.runAs) {
    env['USER'] = input.runAs.user;
    env['LOGNAME'] = input.runAs.user;
  }
  Object.assign(env, input.variables);
  env['SCENARIO_NAME'] = input.name;
  env['APP_ROOT'] = sandbox.root;
  env['VROOLI_ROOT'] = sandbox.root;
  env['SG_RUNTIME_STATE'] = sandbox.state;
  env[RUNTIME_ENV_MARKER] = input.runId;
  return env;
}

/** The environment of one step. */
export function stepEnv(
  base: Record<string, string>,
  phase: string,
  step: string,
): Record<string, string> {
  return {
    ...base,
    SG_RUNTIME_STEP: stepId(phase, step),
    VROOLI_PHASE: phase,
    VROOLI_STEP: step,
    VROOLI_LIFECYCLE_MANAGED: 'true',
  };
}

/** How stand-ins name the step that called them. */
export function stepId(phase: string, step: string): string {
  return `${phase}/${step}`.replace(/[\t\n]/g, ' ');
}
