import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type {
  BenchmarkItem,
  BenchmarkRequest,
  BenchmarkView,
  Meta,
} from '../../functions/contract/index.ts';
import { ApiError, clientFrom } from '../client.ts';
import type { CliCommand } from '../command.ts';
import { terminalJson, terminalSafe } from '../terminal.ts';
import { reportLines } from './bench-report.ts';

/**
 * `scenario-gen bench`: runs a fixed set of requests through the real pipeline on a running server
 * (a benchmark run in a campaign of its own), waits until every run has ended, and prints the
 * report: success by evidence level, first-pass rate, median and p95 time, cost, turns, top
 * signatures. With the demo model it runs offline (a test of the harness, not of quality).
 */
const DEFAULT_REQUESTS = path.resolve(import.meta.dirname, '..', 'bench', 'requests.json');

const USAGE = `scenario-gen bench [options]

Runs a set of requests through the pipeline of a running server and reports how it did.

Options:
  --requests FILE       JSON array of { title, request, category, complexity }
                        (default: the 20 shipped in bin/bench/requests.json)
  --limit N             run only the first N requests
  --prompt-version V    pin every run to prompt version V (a 12-digit version)
  --label L             name of the benchmark run (default: "Benchmark <time>")
  --timeout MIN         give up waiting after MIN minutes (default 240)
  --url URL             server URL (default $SCENARIO_GEN_URL or http://127.0.0.1:3000)
  --token T             access token (default $SCENARIO_GEN_TOKEN)
  --json                print the benchmark run with its report as JSON`;

function readRequests(file: string): BenchmarkItem[] {
  const list = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(list)) throw new Error(`${file}: expected a JSON array of requests`);
  return list as BenchmarkItem[];
}

export const command: CliCommand = {
  name: 'bench',
  summary: 'Run a fixed set of requests through a running server and report quality',
  usage: USAGE,
  async run(args, io) {
    let o;
    try {
      o = parseArgs({
        args,
        options: {
          requests: { type: 'string' },
          limit: { type: 'string' },
          'prompt-version': { type: 'string' },
          label: { type: 'string' },
          timeout: { type: 'string' },
          url: { type: 'string' },
          token: { type: 'string' },
          json: { type: 'boolean' },
        },
      }).values;
    } catch (e) {
      io.stderr(`${(e as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    const limit = o.limit === undefined ? undefined : Number(o.limit);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
      io.stderr(`--limit must be a whole number ≥ 1\n`);
      return 2;
    }
    let requests: BenchmarkItem[];
    try {
      requests = readRequests(o.requests ?? DEFAULT_REQUESTS).slice(0, limit);
    } catch (e) {
      io.stderr(`${(e as Error).message}\n`);
      return 2;
    }
    const client = clientFrom({ url: o.url, token: o.token }, io.env);
    const until = Date.now() + Number(o.timeout ?? 240) * 60_000;
    try {
      const meta = await client.call<Meta>('GET', '/api/meta');
      if (meta.demoModel)
        io.stderr(
          'Note: the server uses its built-in DEMO model: this tests the harness, not quality.\n',
        );
      const body: BenchmarkRequest = {
        requests,
        ...(o.label ? { label: o.label } : {}),
        ...(o['prompt-version'] ? { promptVersion: o['prompt-version'] } : {}),
      };
      let b = await client.call<BenchmarkView>('POST', '/api/benchmarks', body);
      io.stderr(terminalSafe(`Benchmark ${b.label} (${b.id}): ${b.requests} request(s).`) + '\n');
      let shown = '';
      while (!b.finishedAt) {
        if (io.signal.aborted || Date.now() > until) {
          io.stderr(
            `Stopped waiting; the runs go on. See ${client.baseUrl}/analytics/benchmarks\n`,
          );
          return 1;
        }
        await sleep(2000, undefined, { signal: io.signal }).catch(() => {});
        b = await client.call<BenchmarkView>('GET', `/api/benchmarks/${b.id}`);
        const line = `${b.report.finished}/${b.requests} finished`;
        if (line !== shown) io.stderr(`${line}\n`);
        shown = line;
      }
      io.stdout(
        o.json ? terminalJson(b) + '\n' : reportLines(b).map(terminalSafe).join('\n') + '\n',
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
