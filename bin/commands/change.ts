import { parseArgs } from 'node:util';
import type { ChangeInput, Run, Scenario, ScenarioPage } from '../../functions/contract/index.ts';
import { follow } from './generate.ts';
import { outcomeLine } from './generate-options.ts';
import { ApiError, clientFrom, type Client } from '../client.ts';
import type { CliCommand } from '../command.ts';
import { terminalJson, terminalSafe } from '../terminal.ts';

/**
 * `scenario-gen change SCENARIO "CHANGE"`: asks a running server to change a deployed scenario —
 * a new run plans the change against the deployed files, implements, validates, run-checks and
 * deploys it as a new version; with --wait follows it to the end.
 */
const USAGE = `scenario-gen change SCENARIO "CHANGE" [options]

Changes a deployed scenario as CHANGE says; the result is deployed as a new version (the
earlier ones stay, and can be rolled back to from the dashboard).

SCENARIO is the scenario's id or its folder name (slug).

Options:
  --wait           follow progress until the run ends; exit 1 if it fails or is cancelled
  --url URL        server URL (default $SCENARIO_GEN_URL or http://127.0.0.1:3000)
  --token T        access token (default $SCENARIO_GEN_TOKEN)
  --json           print the final scenario as JSON`;

/** A scenario by id, or by slug (the one folder name; ambiguous across campaigns is refused). */
async function findScenario(client: Client, wanted: string): Promise<Scenario> {
  if (/^[0-9a-f-]{36}$/i.test(wanted))
    return client.call<Scenario>('GET', `/api/scenarios/${wanted}`);
  // The list searches titles and requests, not folder names: read it page by page.
  const all: Scenario[] = [];
  for (let offset = 0; ; offset += 200) {
    const page = await client.call<ScenarioPage>(
      'GET',
      `/api/scenarios?limit=200&offset=${offset}`,
    );
    all.push(...page.items);
    if (offset + 200 >= page.total) break;
  }
  const matches = all.filter((s) => s.slug === wanted);
  if (matches.length === 1) return matches[0]!;
  throw new ApiError(
    404,
    matches.length
      ? `More than one scenario is named ${wanted}; give its id (${matches.map((s) => s.id).join(', ')}).`
      : `No scenario is named ${wanted}; give its id or folder name (see the dashboard).`,
  );
}

export const command: CliCommand = {
  name: 'change',
  summary: 'Change a deployed scenario; the result is deployed as a new version',
  usage: USAGE,
  async run(args, io) {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        allowPositionals: true,
        options: {
          wait: { type: 'boolean' },
          url: { type: 'string' },
          token: { type: 'string' },
          json: { type: 'boolean' },
        },
      });
    } catch (e) {
      io.stderr(`${(e as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    const [target, ...words] = parsed.positionals;
    const request = words.join(' ').trim();
    if (!target || !request) {
      io.stderr(
        `Say which scenario and what to change: scenario-gen change SCENARIO "CHANGE"\n\n${USAGE}\n`,
      );
      return 2;
    }
    const o = parsed.values;
    const client = clientFrom({ url: o.url, token: o.token }, io.env);
    try {
      const scenario = await findScenario(client, target);
      const run = await client.call<Run>('POST', `/api/scenarios/${scenario.id}/change`, {
        request,
      } satisfies ChangeInput);
      io.stderr(
        terminalSafe(
          `Change of ${scenario.slug}: run ${run.number} (${run.id}) started from the deployed version.`,
        ) + '\n',
      );
      if (!o.wait) {
        if (o.json) io.stdout(terminalJson({ scenario, run }) + '\n');
        else io.stdout(terminalSafe(`${client.baseUrl}/scenarios/${scenario.id}`) + '\n');
        return 0;
      }
      const now = await client.call<Scenario>('GET', `/api/scenarios/${scenario.id}`);
      const end = await follow(client, now, io);
      if (o.json) io.stdout(terminalJson(end) + '\n');
      else
        io.stdout(
          terminalSafe(outcomeLine(end, await client.call<Run>('GET', `/api/runs/${run.id}`))) +
            '\n',
        );
      return end.status === 'deployed' ? 0 : 1;
    } catch (e) {
      if (e instanceof ApiError) {
        io.stderr(`${e.message}\n`);
        return e.status === 0 ? 2 : 1;
      }
      throw e;
    }
  },
};
