/**
 * The open-loop load of test/bench/api.ts: requests scheduled by the clock, never waiting for
 * answers, each timed from its scheduled send time to its last body byte.
 *
 * One request in CONTROL_EVERY is a control: GET /api/health, which passes the same middleware
 * (request context, authentication, authorisation) but reads no database and sends a few bytes.
 * Its latency, measured in the same run under the same load, is the floor the machine and the
 * HTTP stack set; what the list path adds is the list requests' latency above it.
 */
import { percentile, round } from './stats.ts';

export const CONTROL_EVERY = 10;
const SORTS = ['title', '-updated', 'created', '-progress', 'status'];
const OFFSETS = [50, 200, 400];

export interface Sample {
  /** Scheduled send time, ms after the window began. */
  at: number;
  ms: number;
  ok: boolean;
  /** A control request (GET /api/health), not a list request. */
  control: boolean;
  /** Why it failed (status or error message), for the diagnostics. */
  why?: string;
}

/** The i-th request's query: every campaign in turn; 1 in 4 sorted otherwise, 1 in 5 a later page. */
function pathFor(i: number, campaigns: string[]): string {
  const q = new URLSearchParams({ campaign: campaigns[i % campaigns.length]!, limit: '50' });
  if (i % 4 === 1) q.set('sort', SORTS[(i >> 2) % SORTS.length]!);
  if (i % 5 === 2) q.set('offset', String(OFFSETS[((i / 5) % OFFSETS.length) | 0]));
  return `/api/scenarios?${q}`;
}

/** One list request; ok only for a 200 whose page is the size the seed implies. */
async function listRequest(url: string, scheduled: number, t0: number): Promise<Sample> {
  const at = scheduled - t0;
  try {
    const res = await fetch(url);
    const body = (await res.json()) as { items?: unknown[]; total?: number; offset?: number };
    const ms = performance.now() - scheduled;
    const expected = Math.max(0, Math.min(50, (body.total ?? 0) - (body.offset ?? 0)));
    const ok = res.status === 200 && body.items?.length === expected && expected > 0;
    return ok
      ? { at, ms, ok, control: false }
      : {
          at,
          ms,
          ok,
          control: false,
          why: res.status === 200 ? 'unexpected page size' : `HTTP ${res.status}`,
        };
  } catch (e) {
    return { at, ms: performance.now() - scheduled, ok: false, control: false, why: cause(e) };
  }
}

/** One control request (GET /api/health); ok for a 200 answering status ok. */
async function controlRequest(url: string, scheduled: number, t0: number): Promise<Sample> {
  const at = scheduled - t0;
  try {
    const res = await fetch(url);
    const body = (await res.json()) as { status?: string };
    const ms = performance.now() - scheduled;
    const ok = res.status === 200 && body.status === 'ok';
    return ok
      ? { at, ms, ok, control: true }
      : { at, ms, ok, control: true, why: `control: HTTP ${res.status}` };
  } catch (e) {
    return { at, ms: performance.now() - scheduled, ok: false, control: true, why: cause(e) };
  }
}

function cause(e: unknown): string {
  const c = (e as { cause?: { code?: string; message?: string } }).cause;
  return c?.code ?? c?.message ?? (e as Error).message;
}

/** Sends `count` requests at `rps`, scheduled by the clock (open loop); resolves with every sample. */
export async function openLoop(
  base: string,
  campaigns: string[],
  count: number,
  rps: number,
  first = 0,
): Promise<Sample[]> {
  const gap = 1000 / rps;
  const t0 = performance.now();
  const pending: Array<Promise<Sample>> = [];
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      const due = Math.min(count, Math.floor((performance.now() - t0) / gap) + 1);
      while (pending.length < due) {
        const i = pending.length;
        const n = first + i;
        pending.push(
          n % CONTROL_EVERY === CONTROL_EVERY - 1
            ? controlRequest(`${base}/api/health`, t0 + i * gap, t0)
            : listRequest(base + pathFor(n, campaigns), t0 + i * gap, t0),
        );
      }
      if (pending.length >= count) return resolve();
      setTimeout(pump, Math.max(0, t0 + pending.length * gap - performance.now()));
    };
    pump();
  });
  return Promise.all(pending);
}

/** p99 latency of the requests scheduled in each second of the window (are the slow ones clustered?). */
export function p99BySecond(samples: Sample[]): number[] {
  const buckets: number[][] = [];
  for (const x of samples) (buckets[Math.floor(x.at / 1000)] ??= []).push(x.ms);
  return [...buckets].map((b) =>
    round(
      percentile(
        (b ?? []).sort((p, q) => p - q),
        99,
      ),
      0,
    ),
  );
}

/** p50/p90/p99/max of some samples' latencies. */
export function latencies(samples: Sample[]): Record<'p50' | 'p90' | 'p99' | 'max', number> {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  return {
    p50: round(percentile(ms, 50), 2),
    p90: round(percentile(ms, 90), 2),
    p99: round(percentile(ms, 99), 2),
    max: round(ms.at(-1) ?? 0, 2),
  };
}
