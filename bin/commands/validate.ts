import { parseArgs } from 'node:util';
import { isAppError } from '../../core/errors.ts';
import { loadConfig } from '../../core/secrets/load.ts';
import { startEmbeddedPostgres } from '../../db/embedded.ts';
import { resolveBoundary } from '../../runner/boundary/identity.ts';
import {
  createResourceProviders,
  formatRuntimeTagged,
  runRuntimeCheck,
  runtimeExitCode,
  type RuntimeReport,
} from '../../runner/runtime/index.ts';
import { formatJson, formatTagged, TAGS } from '../../runner/validate/format.ts';
import { DEFAULT_PROFILE_ID, getProfile, listProfiles } from '../../runner/validate/profiles.ts';
import type { Profile } from '../../runner/validate/types.ts';
import { validateScenario } from '../../runner/validate/validate.ts';
import type { CliCommand, CliIo } from '../command.ts';

const usage = `Usage: scenario-gen validate DIR [--run] [--profile P] [--json] [--name NAME]

Checks the structure of the scenario folder DIR against a target-format profile (service.json,
referenced files, data files, lifecycle steps) and prints the findings. It reads files and does
not run the scenario: a pass means "structurally valid".

With --run, a structurally valid scenario is then run in an isolated copy, as the agent user
(AGENT_USER, when run as root): a scratch Postgres database and role on DATABASE_URL's server
(unset: the embedded Postgres under DATA_DIR), a scratch Redis database on REDIS_URL's server
(unset: Redis is not provided), free ports; its SQL applied, lifecycle setup, develop, health
checks, tests and test.sh. A resource or tool this machine lacks makes it "not exercised".
With RUNTIME_COMMAND (and VROOLI_ROOT), your own runtime command runs after the built-in check
(RUNTIME_COMMAND_MODE=after, unless that failed) or instead of it (=instead).

Options:
  --run         Also run the scenario (the runtime check) when it is structurally valid.
  --profile P   Rule set to apply (default ${DEFAULT_PROFILE_ID}). Known profiles:
${listProfiles()
  .map((p) => `                  ${p.id} (rules ${p.version})`)
  .join('\n')}
  --json        Print the report as JSON (schemaVersion 1) instead of tagged lines; with --run
                it has a "runtime" object (status, evidence, steps, findings), null when not run.
  --name NAME   The scenario's name (default: DIR's folder name).
  --help        Show this help.

Exit codes: 0 structurally valid, 1 not structurally valid, 2 usage or internal error.
With --run: 0 structurally valid and the runtime check passed; 1 not structurally valid or the
runtime check failed; 3 structurally valid but not exercised (something this machine lacks).
`;

function fail(io: CliIo, message: string): number {
  io.stderr(`[ERROR]   ${message}\n`);
  return 2;
}

/** The runtime check with the configured servers (or the embedded Postgres), then cleanup. */
async function runtimeCheck(
  io: CliIo,
  dir: string,
  profile: Profile,
  name: string | undefined,
): Promise<RuntimeReport> {
  const { config } = await loadConfig(io.env);
  let adminUrl = config.DATABASE_URL;
  const pg = adminUrl ? undefined : await startEmbeddedPostgres(config.dataDir);
  if (pg) {
    io.stderr(
      `${TAGS.info}DATABASE_URL is unset: scratch databases go to the embedded Postgres under ${config.dataDir}\n`,
    );
    adminUrl = pg.url;
  }
  const providers = createResourceProviders({
    ...(adminUrl ? { postgresAdminUrl: adminUrl } : {}),
    ...(config.REDIS_URL ? { redisUrl: config.REDIS_URL } : {}),
  });
  try {
    const boundary = await resolveBoundary(config.AGENT_USER);
    return await runRuntimeCheck({
      dir,
      profile,
      providers,
      env: io.env,
      signal: io.signal,
      ...(name === undefined ? {} : { name }),
      ...(boundary.kind === 'user' ? { runAs: boundary.runAs } : {}),
      ...(config.RUNTIME_COMMAND && config.VROOLI_ROOT
        ? {
            external: {
              command: config.RUNTIME_COMMAND,
              vrooliRoot: config.VROOLI_ROOT,
              mode: config.RUNTIME_COMMAND_MODE,
            },
          }
        : {}),
    });
  } finally {
    await providers.close();
    await pg?.stop();
  }
}

/** `scenario-gen validate DIR [--run] [--profile P] [--json] [--name NAME]`. */
export const command: CliCommand = {
  name: 'validate',
  summary: "Check a scenario folder's structure against a target-format profile (--run: run it).",
  usage,
  async run(args: string[], io: CliIo): Promise<number> {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        allowPositionals: true,
        strict: true,
        options: {
          run: { type: 'boolean', default: false },
          profile: { type: 'string' },
          json: { type: 'boolean', default: false },
          name: { type: 'string' },
          help: { type: 'boolean', short: 'h', default: false },
        },
      });
    } catch (e) {
      return fail(io, `${e instanceof Error ? e.message : String(e)}\n${usage}`);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.stdout(usage);
      return 0;
    }
    if (positionals.length !== 1)
      return fail(io, `Expected exactly one scenario folder.\n${usage}`);
    const dir = positionals[0]!;
    try {
      const profile = getProfile(values.profile ?? DEFAULT_PROFILE_ID);
      const report = await validateScenario({
        dir,
        profile,
        ...(values.name === undefined ? {} : { name: values.name }),
      });
      if (!values.run) {
        io.stdout(values.json ? formatJson(report) : formatTagged(report));
        return report.valid ? 0 : 1;
      }
      const runtime = report.valid ? await runtimeCheck(io, dir, profile, values.name) : null;
      if (values.json) io.stdout(`${JSON.stringify({ ...report, runtime }, null, 2)}\n`);
      else
        io.stdout(
          formatTagged(report) +
            (runtime
              ? formatRuntimeTagged(runtime)
              : `${TAGS.info}Runtime check not run: the scenario is not structurally valid\n`),
        );
      return runtime ? runtimeExitCode(runtime) : 1;
    } catch (e) {
      if (io.signal.aborted)
        return fail(io, 'Interrupted: the runtime check stopped and cleaned up.');
      if (isAppError(e)) return fail(io, e.message);
      return fail(io, `Internal error: ${e instanceof Error ? e.message : String(e)}`);
    }
  },
};
