/**
 * Runner benchmark: `node test/bench/runner.ts` prints JSON.
 *
 * - 20 real Claude Code sessions against the model double (in a process of its own), 4 at a
 *   time, through the full session path (runAgentSession: filesystem store, in-memory
 *   recorder): the runner's own overhead per session beyond the CLI process's lifetime
 *   (median; target < 50 ms), split into its parts;
 * - the runner's RSS growth per concurrent session (target < 20 MB), with the CLI's own RSS
 *   reported beside it;
 * - parser throughput (line splitting + JSON + valibot + normalisation) on a generated 100 MB
 *   transcript (target > 100 MB/s), and the same with redaction as the session path does it.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createFsStore } from '../../core/store/fs.ts';
import type { ObjectStore } from '../../core/store/port.ts';
import type { AgentEvent, AgentPort } from '../../runner/agent/port.ts';
import { createMemoryRecorder } from '../../runner/agent/memory-recorder.ts';
import { createClaudeCodeAgent } from '../../runner/claude/adapter.ts';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { runAgentSession } from '../../runner/session.ts';
import { parseThroughput, syntheticTranscript } from './runner-parse.ts';

const SESSIONS = 20;
const PARALLEL = 4;
const KEY = 'sk-ant-test-CANARY-123';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const round = (x: number, d = 1): number => Math.round(x * 10 ** d) / 10 ** d;

function childRssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Starts runner-double.ts in its own process; resolves with its URL and a stop function. */
async function startDoubleProcess(): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [path.join(import.meta.dirname, 'runner-double.ts')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [first] = (await once(child.stdout, 'data')) as [Buffer];
  return {
    url: first.toString('utf8').trim(),
    stop: async () => {
      child.stdin.end();
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

async function sessions(): Promise<Record<string, unknown>> {
  const double = await startDoubleProcess();
  const root = await mkdtemp(path.join(tmpdir(), 'sg-bench-'));
  const store = createFsStore(path.join(root, 'objects'));
  await store.init();
  const raw = createClaudeCodeAgent();
  const recorder = createMemoryRecorder();
  // Thin wrappers that only take timestamps (per session), to split the overhead into its parts.
  const runDone = new Map<string, number>();
  const putDone = new Map<string, number>();
  const spawned = new Map<string, number>();
  const exited = new Map<string, number>();
  const agent: AgentPort = {
    name: raw.name,
    run: async (req, onEvent, onRawLine) => {
      const stamp = (e: AgentEvent): void => {
        if (e.kind === 'spawn') spawned.set(req.sessionId, performance.now());
        if (e.kind === 'exit') exited.set(req.sessionId, performance.now());
        onEvent(e);
      };
      const o = await raw.run(req, stamp, onRawLine);
      runDone.set(req.sessionId, performance.now());
      return o;
    },
  };
  const timedStore: ObjectStore = {
    ...store,
    put: async (key, body, opts) => {
      const r = await store.put(key, body, opts);
      putDone.set(key, performance.now());
      return r;
    },
  };
  const parts = {
    preSpawn: [] as number[],
    afterExit: [] as number[],
    transcriptClose: [] as number[],
    record: [] as number[],
  };
  const overheads: number[] = [];
  const cliMs: number[] = [];
  const cliRss: number[] = [];
  const live = new Set<number>();

  // Warm-up (file caches, first binary load) so the 20 measured runs compare like with like.
  const one = async (i: number): Promise<void> => {
    const id = `b${i}`;
    const base = double.url;
    const dir = path.join(root, id);
    await mkdir(path.join(dir, 'ws'), { recursive: true });
    await mkdir(path.join(dir, 'home'), { recursive: true });
    const sessionId = randomUUID();
    let pid = 0;
    let peak = 0;
    const sampler = setInterval(() => {
      if (pid) peak = Math.max(peak, childRssMb(pid));
    }, 25);
    const t0 = performance.now();
    const r = await runAgentSession(
      {
        agent,
        store: timedStore,
        recorder,
        secrets: [],
        transcriptCapBytes: 20 << 20,
        publish: (e) => {
          if (e.kind === 'spawn') {
            pid = e.pid;
            live.add(pid);
          }
          if (e.kind === 'exit') live.delete(pid);
        },
      },
      {
        request: {
          sessionId,
          workspace: path.join(dir, 'ws'),
          home: path.join(dir, 'home'),
          prompt: 'bench',
          timeoutMs: 120_000,
          idleTimeoutMs: 60_000,
          env: {
            PATH: '/usr/local/bin:/usr/bin:/bin',
            ANTHROPIC_API_KEY: KEY,
            ANTHROPIC_BASE_URL: base,
            CLAUDE_CODE_MAX_RETRIES: '1',
          },
        },
        template: { name: 'bench', version: 'bench' },
      },
    );
    const t1 = performance.now();
    clearInterval(sampler);
    if (r.outcome.class !== 'success')
      throw new Error(`bench session ${i} ended ${r.outcome.class}: ${r.outcome.message}`);
    if (i >= 0) {
      const spawnAt = spawned.get(sessionId) ?? t0;
      const exitAt = exited.get(sessionId) ?? t1;
      overheads.push(t1 - t0 - (exitAt - spawnAt));
      const ran = runDone.get(sessionId) ?? t1;
      const put = putDone.get(`transcripts/${sessionId}.jsonl`) ?? ran;
      parts.preSpawn.push(spawnAt - t0);
      parts.afterExit.push(ran - exitAt);
      parts.transcriptClose.push(Math.max(0, put - ran));
      parts.record.push(t1 - Math.max(put, ran));
      cliMs.push(exitAt - spawnAt);
      cliRss.push(peak);
    }
  };
  await one(-1);

  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const baseline = process.memoryUsage().rss;
  let peakRss = baseline;
  const rssSampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 10);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < SESSIONS) await one(next++);
    }),
  );
  const wall = performance.now() - started;
  clearInterval(rssSampler);
  await double.stop();
  await store.close();
  await rm(root, { recursive: true, force: true });
  return {
    sessions: SESSIONS,
    parallel: PARALLEL,
    wallMs: Math.round(wall),
    overheadMsMedian: round(median(overheads)),
    overheadMsMax: round(Math.max(...overheads)),
    overheadTargetMs: 50,
    overheadPartsMsMedian: {
      beforeSpawn: round(median(parts.preSpawn)),
      adapterAfterExit: round(median(parts.afterExit)),
      transcriptStoreClose: round(median(parts.transcriptClose)),
      recordAndReturn: round(median(parts.record)),
    },
    cliProcessMsMedian: Math.round(median(cliMs)),
    runnerRssBaselineMb: round(baseline / 2 ** 20),
    runnerRssGrowthPerConcurrentSessionMb: round((peakRss - baseline) / 2 ** 20 / PARALLEL),
    rssTargetMb: 20,
    cliRssMbMedian: round(median(cliRss)),
    leftoverProcesses: live.size,
  };
}

// The sessions run first: the 100 MB synthetic transcript below would otherwise sit in this
// process's memory while they spawn, and fork cost grows with the parent's resident memory, so the
// bench would charge its own test data to the runner.
const sessionFigures = await sessions();
const buf = syntheticTranscript(100 * 2 ** 20);
const parser = parseThroughput(buf, []);
const withRedaction = parseThroughput(buf, [KEY, 'another-configured-secret']);
const result = {
  ...sessionFigures,
  transcriptMb: round(buf.length / 2 ** 20),
  parserMbPerS: parser.mbPerS,
  parserWithRedactionMbPerS: withRedaction.mbPerS,
  parserTargetMbPerS: 100,
  parsedLines: parser.lines,
  parsedEvents: parser.events,
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
