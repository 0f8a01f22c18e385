import { parseArgs } from 'node:util';
import type {
  Campaign,
  CampaignList,
  Meta,
  Run,
  Scenario,
  ScenarioCreate,
  StreamMessage,
  GenerateInput,
} from '../../functions/contract/index.ts';
import { generationConfig, outcomeLine } from './generate-options.ts';
import { ApiError, clientFrom, type Client } from '../client.ts';
import type { CliCommand, CliIo } from '../command.ts';
import { progressLine, type ProgressState } from '../progress.ts';
import { terminalJson, terminalSafe } from '../terminal.ts';

/**
 * `scenario-gen generate "REQUEST"`: asks a running server to generate a scenario; with --wait
 * follows its progress (bar, phase, the agent's last action) until it ends, and exits non-zero
 * when the run fails or is cancelled.
 */
const USAGE = `scenario-gen generate "REQUEST" [options]

Creates a scenario from REQUEST on a running server and starts a run.

Options:
  --campaign C     campaign id or name (created when no campaign has that name; default "CLI")
  --title T        scenario title (default: a short title named from the request)
  --profile P      target format, e.g. vrooli-2025-08-07 (default: the server's)
  --complexity X   simple | intermediate | advanced (default simple)
  --plan-versions N  plan versions, up to N (1–5; default by complexity)
  --builds N       builds, up to N; stops at the first valid one (1–5)
  --fixes N        validation fixes, up to N (1–5)
  --agent A        claude-code | codex (default: the campaign's, else the server's AGENT)
  --model M        model for the agent sessions (default: the server's)
  --budget USD     spending cap per agent session, in USD
  --max-turns N    turn cap per agent session
  --wait           follow progress until the run ends; exit 1 if it fails or is cancelled
  --url URL        server URL (default $SCENARIO_GEN_URL or http://127.0.0.1:3000)
  --token T        access token (default $SCENARIO_GEN_TOKEN)
  --json           print the final scenario as JSON`;

const FINAL = new Set(['deployed', 'failed', 'cancelled']);

async function campaignId(client: Client, wanted: string | undefined): Promise<string> {
  const name = wanted ?? 'CLI';
  if (/^[0-9a-f-]{36}$/i.test(name))
    return (await client.call<Campaign>('GET', `/api/campaigns/${name}`)).id;
  const { items } = await client.call<CampaignList>('GET', '/api/campaigns');
  const found = items.find((c) => c.name.toLowerCase() === name.toLowerCase());
  return found ? found.id : (await client.call<Campaign>('POST', '/api/campaigns', { name })).id;
}

/** Follows a scenario's run on its live stream until it ends; returns the scenario as it ended. */
export async function follow(client: Client, s: Scenario, io: CliIo): Promise<Scenario> {
  const tty = Boolean(process.stderr.isTTY);
  const state: ProgressState = {
    status: s.status,
    phase: s.phase,
    iteration: s.iteration,
    progress: s.progress,
    lastAction: s.lastAction,
  };
  let shown = '';
  const show = () => {
    const line = progressLine(state);
    if (line === shown) return;
    shown = line;
    io.stderr(tty ? `\r\x1b[2K${line}` : `${line}\n`);
  };
  const stop = new AbortController();
  io.signal.addEventListener('abort', () => stop.abort(), { once: true });
  // A poll in the background makes sure the end is noticed even if an event is missed.
  const poll = setInterval(() => {
    client
      .call<Scenario>('GET', `/api/scenarios/${s.id}`)
      .then((cur) => FINAL.has(cur.status) && stop.abort())
      .catch(() => {});
  }, 3000);
  try {
    for await (const msg of client.events(`/api/scenarios/${s.id}/events`, stop.signal)) {
      const m = msg as StreamMessage;
      if (m.event === 'revoked') throw new ApiError(401, m.data.detail);
      if (m.event === 'snapshot') {
        if ('scenario' in m.data)
          Object.assign(state, {
            status: m.data.scenario.status,
            phase: m.data.scenario.phase,
            iteration: m.data.scenario.iteration,
            progress: m.data.scenario.progress,
            lastAction: m.data.scenario.lastAction,
          });
      } else {
        const d = m.data;
        if (d.phase) state.phase = d.phase;
        if (typeof d.iteration === 'number') state.iteration = d.iteration;
        if (typeof d.progress === 'number') state.progress = Math.max(state.progress, d.progress);
        if (m.event === 'agent' && d.message) state.lastAction = d.message.split('\n')[0] ?? null;
        if (d.status) state.status = d.status;
        if (d.phase && !FINAL.has(state.status) && state.status !== 'sleeping')
          state.status = d.phase;
      }
      show();
      if (FINAL.has(state.status)) break;
    }
  } finally {
    clearInterval(poll);
    stop.abort();
  }
  if (tty) io.stderr('\n');
  return client.call<Scenario>('GET', `/api/scenarios/${s.id}`);
}

export const command: CliCommand = {
  name: 'generate',
  summary: 'Ask a running server to generate a scenario and follow its progress',
  usage: USAGE,
  async run(args, io) {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        allowPositionals: true,
        options: {
          campaign: { type: 'string' },
          title: { type: 'string' },
          profile: { type: 'string' },
          complexity: { type: 'string' },
          'plan-versions': { type: 'string' },
          builds: { type: 'string' },
          fixes: { type: 'string' },
          agent: { type: 'string' },
          model: { type: 'string' },
          budget: { type: 'string' },
          'max-turns': { type: 'string' },
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
    const request = parsed.positionals.join(' ').trim();
    if (!request) {
      io.stderr(`Say what to build: scenario-gen generate "REQUEST"\n\n${USAGE}\n`);
      return 2;
    }
    const o = parsed.values;
    const client = clientFrom({ url: o.url, token: o.token }, io.env);
    try {
      const meta = await client.call<Meta>('GET', '/api/meta');
      if (meta.demoModel)
        io.stderr(
          'Note: the server has no Anthropic credentials and uses its built-in DEMO model (scripted, offline).\n',
        );
      const config = generationConfig(o);
      const body: ScenarioCreate = {
        campaignId: await campaignId(client, o.campaign),
        // Without --title the server names it from the request.
        ...(o.title ? { title: o.title } : {}),
        request,
        ...(Object.keys(config).length ? { config } : {}),
        ...(o.profile ? { targetFormat: o.profile } : {}),
        // The server names the allowed values when this is not one of them.
        ...(o.complexity ? { complexity: o.complexity as ScenarioCreate['complexity'] } : {}),
      };
      const scenario = await client.call<Scenario>('POST', '/api/scenarios', body);
      const run = await client.call<Run>('POST', `/api/scenarios/${scenario.id}/generate`, {
        via: 'cli',
      } satisfies GenerateInput);
      io.stderr(
        terminalSafe(
          `Scenario ${scenario.slug} (${scenario.id}), run ${run.number} (${run.id}) started.`,
        ) + '\n',
      );
      if (!o.wait) {
        if (o.json) io.stdout(terminalJson({ scenario, run }) + '\n');
        else io.stdout(terminalSafe(`${client.baseUrl}/scenarios/${scenario.id}`) + '\n');
        return 0;
      }
      const end = await follow(client, scenario, io);
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
