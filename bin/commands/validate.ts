import { parseArgs } from 'node:util';
import { isAppError } from '../../core/errors.ts';
import { formatJson, formatTagged } from '../../runner/validate/format.ts';
import { DEFAULT_PROFILE_ID, getProfile, listProfiles } from '../../runner/validate/profiles.ts';
import { validateScenario } from '../../runner/validate/validate.ts';
import type { CliCommand, CliIo } from '../command.ts';

const usage = `Usage: scenario-gen validate DIR [--profile P] [--json] [--name NAME]

Checks the structure of the scenario folder DIR against a target-format profile (service.json,
referenced files, data files, lifecycle steps) and prints the findings. It reads files and does
not run the scenario: a pass means "structurally valid".

Options:
  --profile P   Rule set to apply (default ${DEFAULT_PROFILE_ID}). Known profiles:
${listProfiles()
  .map((p) => `                  ${p.id} (rules ${p.version})`)
  .join('\n')}
  --json        Print the report as JSON (schemaVersion 1) instead of tagged lines.
  --name NAME   The scenario's name (default: DIR's folder name).
  --help        Show this help.

Exit codes: 0 structurally valid, 1 not structurally valid, 2 usage or internal error.
`;

function fail(io: CliIo, message: string): number {
  io.stderr(`[ERROR]   ${message}\n`);
  return 2;
}

/** `scenario-gen validate DIR [--profile P] [--json] [--name NAME]`. */
export const command: CliCommand = {
  name: 'validate',
  summary: "Check a scenario folder's structure against a target-format profile.",
  usage,
  async run(args: string[], io: CliIo): Promise<number> {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        allowPositionals: true,
        strict: true,
        options: {
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
    try {
      const profile = getProfile(values.profile ?? DEFAULT_PROFILE_ID);
      const report = await validateScenario({
        dir: positionals[0]!,
        profile,
        ...(values.name === undefined ? {} : { name: values.name }),
      });
      io.stdout(values.json ? formatJson(report) : formatTagged(report));
      return report.valid ? 0 : 1;
    } catch (e) {
      if (isAppError(e)) return fail(io, e.message);
      return fail(io, `Internal error: ${e instanceof Error ? e.message : String(e)}`);
    }
  },
};
