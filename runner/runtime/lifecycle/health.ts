import net from 'node:net';
import type { FindingInput } from '../../validate/types.ts';
import type { ServiceModel } from '../service.ts';
import type { StepResult } from '../types.ts';

/**
 * After `develop`: the scenario's declared health checks (`lifecycle.health.checks`, else
 * `lifecycle.health.endpoints` on their ports), or failing those its API port, are polled until
 * they answer or time runs out. Only loopback targets are polled: a health target is
 * model-written, and the server must not be made to fetch other hosts.
 */

export interface HealthTarget {
  name: string;
  kind: 'http' | 'tcp';
  /** `GET <url>` or `connect host:port`, for the report. */
  describe: string;
  url?: string;
  host: string;
  port: number;
  critical: boolean;
  timeoutMs: number;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]', '0.0.0.0']);
const API_NAMES = ['api', 'service', 'app', 'server', 'http', 'web', 'backend'];

/** Replaces `${VAR}`, `${VAR:-default}` and `$VAR` from `env`; null when one is unset. */
export function substitute(text: string, env: Record<string, string>): string | null {
  let unresolved = false;
  const out = text.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_, braced: string | undefined, def: string | undefined, bare: string | undefined) => {
      const value = env[(braced ?? bare)!] ?? def;
      if (value === undefined) unresolved = true;
      return value ?? '';
    },
  );
  return unresolved ? null : out;
}

function target(
  name: string,
  kind: HealthTarget['kind'],
  raw: string,
  critical: boolean,
  timeoutMs: number,
): HealthTarget | string {
  let u: URL;
  try {
    u = new URL(kind === 'tcp' && !raw.includes('://') ? `tcp://${raw}` : raw);
  } catch {
    return `health check "${name}": "${raw}" is not a URL`;
  }
  const host = u.hostname;
  if (!LOOPBACK.has(host)) return `health check "${name}": ${u.host} is not on loopback`;
  u.hostname = '127.0.0.1';
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  if (kind === 'tcp')
    return {
      name,
      kind,
      describe: `connect 127.0.0.1:${port}`,
      host: '127.0.0.1',
      port,
      critical,
      timeoutMs,
    };
  return {
    name,
    kind,
    describe: `GET ${u.href}`,
    url: u.href,
    host: '127.0.0.1',
    port,
    critical,
    timeoutMs,
  };
}

/** What to poll, and declared checks that cannot be polled (with the reason). */
export function healthTargets(
  model: ServiceModel,
  env: Record<string, string>,
): { targets: HealthTarget[]; unusable: string[] } {
  const targets: HealthTarget[] = [];
  const unusable: string[] = [];
  const push = (t: HealthTarget | string): void =>
    void (typeof t === 'string' ? unusable.push(t) : targets.push(t));
  for (const c of model.health?.checks ?? []) {
    const text = substitute(c.target, env);
    if (text === null) {
      unusable.push(
        `health check "${c.name}": ${c.target} names a variable the scenario does not declare`,
      );
    } else if (c.type === 'http' || c.type === 'https' || c.type === 'tcp') {
      push(target(c.name, c.type === 'tcp' ? 'tcp' : 'http', text, c.critical, c.timeoutMs));
    } else
      unusable.push(`health check "${c.name}": type ${c.type} is not polled by the runtime check`);
  }
  if (targets.length > 0 || unusable.length > 0) return { targets, unusable };
  for (const [portName, p] of Object.entries(model.health?.endpoints ?? {})) {
    const port = model.ports.find((x) => x.name === portName);
    const value = port ? env[port.envVar] : undefined;
    if (value)
      push(
        target(
          `${portName} endpoint`,
          'http',
          `http://127.0.0.1:${value}${p.startsWith('/') ? p : `/${p}`}`,
          true,
          5000,
        ),
      );
  }
  if (targets.length > 0) return { targets, unusable };
  const api =
    API_NAMES.map((n) => model.ports.find((p) => p.name === n)).find(Boolean) ?? model.ports[0];
  const value = api ? env[api.envVar] : undefined;
  if (api && value)
    targets.push({
      name: `${api.name} port`,
      kind: 'tcp',
      describe: `connect 127.0.0.1:${value} (${api.envVar})`,
      host: '127.0.0.1',
      port: Number(value),
      critical: true,
      timeoutMs: 2000,
    });
  return { targets, unusable };
}

async function probe(t: HealthTarget, timeoutMs: number): Promise<string | null> {
  if (t.kind === 'http') {
    try {
      const res = await fetch(t.url!, {
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.body?.cancel();
      return res.status >= 200 && res.status < 300 ? null : `HTTP ${res.status}`;
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      return cause ?? (e as Error).message;
    }
  }
  return new Promise((resolve) => {
    const s = net.connect({ host: t.host, port: t.port });
    const done = (why: string | null): void => {
      s.destroy();
      resolve(why);
    };
    s.setTimeout(timeoutMs, () => done('timeout'));
    s.once('connect', () => done(null));
    s.once('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
  });
}

/**
 * Polls every target until it answers, the deadline passes, the signal aborts, or `hopeless()`
 * says nothing can answer any more (every develop process has exited).
 */
export async function pollHealth(
  targets: readonly HealthTarget[],
  deadlineMs: number,
  signal: AbortSignal,
  hopeless: () => boolean,
): Promise<{ steps: StepResult[]; findings: FindingInput[] }> {
  const steps: StepResult[] = [];
  const findings: FindingInput[] = [];
  await Promise.all(
    targets.map(async (t) => {
      const started = performance.now();
      const until = Date.now() + deadlineMs;
      let last: string | null = 'not polled';
      let attempts = 0;
      let gaveUp = false;
      for (;;) {
        attempts++;
        last = await probe(t, Math.max(200, Math.min(t.timeoutMs, until - Date.now())));
        if (last === null || Date.now() >= until || signal.aborted) break;
        if (attempts > 1 && hopeless()) {
          gaveUp = true;
          break;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      const durationMs = Math.round(performance.now() - started);
      const ok = last === null;
      steps.push({
        phase: 'health',
        name: t.name,
        command: t.describe,
        status: ok ? 'passed' : 'failed',
        exitCode: null,
        timedOut: !ok,
        durationMs,
        outputTail: ok ? `answered after ${attempts} attempt(s)` : `last attempt: ${last}`,
      });
      if (!ok)
        findings.push({
          severity: t.critical ? 'error' : 'warning',
          ruleId: 'runtime.health.unanswered',
          message: `Health check "${t.name}" (${t.describe}) did not answer: ${last} after ${attempts} attempt(s) in ${durationMs} ms${gaveUp ? ', when a develop server had exited' : ''}.`,
          hint: 'Start the server in a develop step ("background": true) listening on the port variable the check uses, and answer the health route with 2xx.',
        });
    }),
  );
  return { steps, findings };
}
