import { parseArgs } from 'node:util';
import type { Run, RunList } from '../../functions/contract/index.ts';
import { ApiError, clientFrom } from '../client.ts';
import type { CliCommand } from '../command.ts';
import { terminalJson, terminalSafe } from '../terminal.ts';

/** `scenario-gen runs`: the most recent runs on a running server. */

function duration(r: Run): string {
  if (!r.startedAt) return '-';
  const ms = (r.finishedAt ? Date.parse(r.finishedAt) : Date.now()) - Date.parse(r.startedAt);
  return ms < 60_000
    ? `${Math.round(ms / 1000)}s`
    : `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`;
}

export const command: CliCommand = {
  name: 'runs',
  summary: 'List recent runs on a running server',
  usage: 'scenario-gen runs [--limit N] [--status s1,s2] [--json] [--url URL] [--token T]',
  async run(args, io) {
    let o;
    try {
      o = parseArgs({
        args,
        options: {
          limit: { type: 'string' },
          status: { type: 'string' },
          json: { type: 'boolean' },
          url: { type: 'string' },
          token: { type: 'string' },
        },
      }).values;
    } catch (e) {
      io.stderr(`${(e as Error).message}\n`);
      return 2;
    }
    const client = clientFrom({ url: o.url, token: o.token }, io.env);
    const q = new URLSearchParams({
      limit: o.limit ?? '20',
      ...(o.status ? { status: o.status } : {}),
    });
    try {
      const { items } = await client.call<RunList>('GET', `/api/runs?${q}`);
      if (o.json) {
        io.stdout(terminalJson(items) + '\n');
        return 0;
      }
      if (!items.length) {
        io.stdout(
          o.status
            ? `No ${o.status.split(',').join(' or ')} runs among the recent ones.\n`
            : 'No runs yet. Start one with: scenario-gen generate "…"\n',
        );
        return 0;
      }
      const rows = items.map((r) =>
        [
          r.id.slice(0, 8),
          terminalSafe(r.scenarioTitle).slice(0, 32),
          `#${r.number}`,
          r.status + (r.failureClass ? ` (${r.failureClass})` : ''),
          // Where a run stopped matters; a finished one is past every phase.
          r.status === 'succeeded' ? 'done' : (r.phase ?? '-'),
          `$${r.costUsd.toFixed(4)}`,
          duration(r),
          r.trigger,
        ].map(terminalSafe),
      );
      const head = ['RUN', 'SCENARIO', 'N', 'STATUS', 'PHASE', 'COST', 'TIME', 'TRIGGER'];
      const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
      for (const r of [head, ...rows])
        io.stdout(
          r
            .map((c, i) => c.padEnd(widths[i]!))
            .join('  ')
            .trimEnd() + '\n',
        );
      return 0;
    } catch (e) {
      if (e instanceof ApiError) {
        io.stderr(`${e.message}\n`);
        return e.status === 0 ? 2 : 1;
      }
      throw e;
    }
  },
};
