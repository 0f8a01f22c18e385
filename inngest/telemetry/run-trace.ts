import {
  context,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type { RunTraceData } from '../../db/trace-data.ts';

/** `gen_ai.provider.name` of each agent (GenAI semantic conventions' well-known values). */
const PROVIDER: Record<string, string> = { 'claude-code': 'anthropic', codex: 'openai' };

const defined = (a: Record<string, string | number | undefined | null>): Attributes =>
  Object.fromEntries(
    Object.entries(a).filter(([, v]) => v !== undefined && v !== null),
  ) as Attributes;

/**
 * Draws one finished run as a trace: a span for the run, one per phase inside it, and one per
 * agent session inside its phase, following the OpenTelemetry GenAI semantic conventions
 * (`invoke_agent` spans with provider, models, tokens and the session id as the conversation
 * id) plus `scenario.*` attributes. Spans are made when the run ends, from what the database
 * recorded, with their real start and end times: a run's steps may have run in several processes
 * and across restarts, which no in-memory span could follow.
 */
export function emitRunTrace(tracer: Tracer, data: RunTraceData): void {
  const { run } = data;
  const end = run.finishedAt ?? new Date();
  const failed = run.status === 'failed';
  const root = tracer.startSpan('scenario.run', {
    kind: SpanKind.INTERNAL,
    startTime: run.startedAt ?? run.createdAt,
    attributes: defined({
      'scenario.run_id': run.id,
      'scenario.id': run.scenarioId,
      'scenario.campaign_id': run.campaignId,
      'scenario.run_number': run.number,
      'scenario.status': run.status,
      'scenario.cost_usd': run.costUsd,
      'scenario.sessions': data.sessions.length,
      'error.type': failed ? (run.failureClass ?? 'failed') : undefined,
    }),
  });
  if (failed) root.setStatus({ code: SpanStatusCode.ERROR, message: run.failureClass ?? 'failed' });
  const inRoot = trace.setSpan(context.active(), root);
  const phaseSpans = new Map<string, Span>();
  for (const p of data.phases) {
    const span = tracer.startSpan(
      `scenario.phase ${p.phase}`,
      {
        startTime: p.startedAt,
        attributes: { 'scenario.stage': p.phase, 'scenario.steps': p.steps },
      },
      inRoot,
    );
    phaseSpans.set(p.phase, span);
  }
  for (const s of data.sessions) {
    const parent = (s.phase && phaseSpans.get(s.phase)) || root;
    const ok = s.outcome === 'success';
    const span = tracer.startSpan(
      `invoke_agent ${s.agent}`,
      {
        kind: SpanKind.CLIENT,
        startTime: s.startedAt,
        attributes: defined({
          'gen_ai.operation.name': 'invoke_agent',
          'gen_ai.provider.name': PROVIDER[s.agent] ?? s.agent,
          'gen_ai.agent.name': s.agent,
          'gen_ai.request.model': s.model,
          'gen_ai.response.model': s.model,
          'gen_ai.usage.input_tokens': s.inputTokens,
          'gen_ai.usage.output_tokens': s.outputTokens,
          'gen_ai.conversation.id': s.sessionId,
          'error.type': ok ? undefined : (s.outcome ?? 'unfinished'),
          'scenario.stage': s.phase,
          'scenario.step': s.stepKey,
          'scenario.outcome': s.outcome,
          'scenario.turns': s.turns,
          'scenario.cost_usd': s.costUsd,
        }),
      },
      trace.setSpan(context.active(), parent),
    );
    if (!ok) span.setStatus({ code: SpanStatusCode.ERROR, message: s.outcome ?? 'unfinished' });
    span.end(s.finishedAt ?? end);
  }
  for (const p of data.phases) phaseSpans.get(p.phase)!.end(p.finishedAt);
  root.end(end);
}
