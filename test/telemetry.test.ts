import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentTelemetryEnv } from '../runner/env.ts';
import { startOtlpReceiver } from './support/otlp-receiver.ts';
import { runCli, startServer, type Server } from './support/server.ts';

/**
 * A demo run on the real server with OTEL_EXPORTER_OTLP_ENDPOINT pointing at a receiver the test
 * starts: the run arrives as one trace (run → phases → agent sessions) with the GenAI attributes.
 */
describe('OpenTelemetry traces of a run', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sg-otel-'));
  const base = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8' };
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let server: Server;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    server = await startServer({
      ...base,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      SEED_SAMPLES: 'false',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: 'sg-under-test',
    });
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
    await receiver?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('exports run, phase and invoke_agent spans with GenAI and scenario attributes', async () => {
    expect(server.output()).toMatch(/traces go to http:\/\/127\.0\.0\.1:\d+ \(OTLP\/HTTP\)/);
    const r = await runCli(
      ['generate', 'A habit tracker with streaks', '--wait', '--url', server.url],
      base,
    );
    expect(r.code, r.stderr).toBe(0);
    const t0 = Date.now();
    while (!receiver.spans.some((s) => s.name === 'scenario.run') && Date.now() - t0 < 15_000)
      await new Promise((res) => setTimeout(res, 200));
    const run = receiver.spans.find((s) => s.name === 'scenario.run');
    expect(run, [...receiver.posts].join(' ')).toBeDefined();
    expect(run!.resource['service.name']).toBe('sg-under-test');
    expect(run!.attributes).toMatchObject({ 'scenario.status': 'succeeded' });
    expect(run!.parentSpanId).toBe('');
    const trace = receiver.spans.filter((s) => s.traceId === run!.traceId);
    const phases = trace.filter((s) => s.name.startsWith('scenario.phase '));
    expect(phases.map((p) => p.attributes['scenario.stage'])).toEqual(
      expect.arrayContaining(['planning', 'implementing', 'validating', 'deploying']),
    );
    for (const p of phases) expect(p.parentSpanId).toBe(run!.spanId);
    const sessions = trace.filter((s) => s.name === 'invoke_agent claude-code');
    expect(sessions.length).toBeGreaterThan(1);
    const phaseIds = new Set(phases.map((p) => p.spanId));
    for (const s of sessions) {
      expect(phaseIds.has(s.parentSpanId)).toBe(true);
      expect(s.kind).toBe(3); // CLIENT
      expect(s.attributes).toMatchObject({
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.provider.name': 'anthropic',
      });
      expect(s.attributes['gen_ai.conversation.id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(typeof s.attributes['gen_ai.request.model']).toBe('string');
      expect(s.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
      expect(s.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
      expect(typeof s.attributes['scenario.stage']).toBe('string');
      expect(s.attributes['scenario.turns']).toBeGreaterThan(0);
      expect(s.startNs).toBeLessThanOrEqual(s.endNs);
    }
    // The demo plants one runtime mistake: a failed session, if any, carries error.type.
    for (const s of sessions.filter((x) => x.attributes['scenario.outcome'] !== 'success'))
      expect(s.attributes['error.type']).toBeDefined();
    // The CLI's own telemetry (CLAUDE_CODE_ENABLE_TELEMETRY) reached the same collector.
    expect(receiver.posts.get('/v1/metrics') ?? 0).toBeGreaterThan(0);
    console.log(
      `trace: ${trace.length} spans (${phases.length} phases, ${sessions.length} sessions); posts: ${[...receiver.posts].map(([k, v]) => `${k}×${v}`).join(', ')}`,
    );
  }, 180_000);
});

describe('Claude Code telemetry for sessions', () => {
  it('is turned on, to the same collector, only when traces are exported', () => {
    expect(agentTelemetryEnv(undefined, { OTEL_RESOURCE_ATTRIBUTES: 'team=a' })).toEqual({});
    expect(
      agentTelemetryEnv('http://127.0.0.1:4318', { OTEL_RESOURCE_ATTRIBUTES: 'team=a' }),
    ).toEqual({
      CLAUDE_CODE_ENABLE_TELEMETRY: '1',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_LOGS_EXPORTER: 'otlp',
      OTEL_RESOURCE_ATTRIBUTES: 'team=a',
    });
  });
});
