import {
  collectDefaultMetrics,
  Gauge,
  Histogram,
  Registry,
  type HistogramConfiguration,
} from 'prom-client';
import type { Sql } from '../../db/client.ts';
import { PHASE_BUCKETS, readMetrics, type MetricsSnapshot } from '../../db/metrics.ts';
import { sseClients } from '../sse.ts';

/** The Prometheus registry behind GET /metrics: `render()` answers one scrape. */
export interface MetricsRegistry {
  contentType: string;
  render(): Promise<string>;
}

type PhaseLabel = 'phase' | 'le';

/**
 * The phase-duration histogram, filled from the database's cumulative buckets at each scrape
 * (prom-client's histograms only count observations made in this process).
 */
class PhaseHistogram extends Histogram<PhaseLabel> {
  snapshot: MetricsSnapshot['phases'] = [];
  private readonly about: { name: string; help: string };

  constructor(config: HistogramConfiguration<PhaseLabel>) {
    super(config);
    this.about = { name: config.name, help: config.help };
  }

  /** What the registry renders (prom-client's `get` calls it too). */
  async getForPromString() {
    const { name, help } = this.about;
    const values = this.snapshot.flatMap(({ phase, buckets, sum, count }) => [
      ...buckets.map((value, i) => ({
        value,
        labels: { phase, le: PHASE_BUCKETS[i]! },
        metricName: `${name}_bucket`,
      })),
      { value: count, labels: { phase, le: '+Inf' }, metricName: `${name}_bucket` },
      { value: sum, labels: { phase }, metricName: `${name}_sum` },
      { value: count, labels: { phase }, metricName: `${name}_count` },
    ]);
    return { name, help, type: 'histogram', values, aggregator: 'sum' };
  }
}

/** Builds the registry: the pipeline's figures from the database, SSE clients and the process. */
export function createMetricsRegistry(sql: Sql): MetricsRegistry {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  const runs = new Gauge({
    name: 'scenario_gen_runs',
    help: 'Runs by status (finished ones included)',
    labelNames: ['status'] as const,
    registers,
  });
  const sessions = new Gauge({
    name: 'scenario_gen_agent_sessions',
    help: 'Agent sessions by agent and outcome (running ones as "running")',
    labelNames: ['agent', 'outcome'] as const,
    registers,
  });
  const tokens = new Gauge({
    name: 'scenario_gen_agent_tokens',
    help: 'Tokens used by agent sessions, by type',
    labelNames: ['type'] as const,
    registers,
  });
  const cost = new Gauge({
    name: 'scenario_gen_cost_usd',
    help: 'Cost of every run, in US dollars',
    registers,
  });
  const queue = new Gauge({
    name: 'scenario_gen_queue_depth',
    help: 'Runs queued and waiting to start',
    registers,
  });
  const lag = new Gauge({
    name: 'scenario_gen_executor_lag_seconds',
    help: 'How long the oldest due local-executor run has waited to be picked up',
    registers,
  });
  new Gauge({
    name: 'scenario_gen_sse_clients',
    help: 'Live SSE streams this process serves',
    registers,
    collect() {
      this.set(sseClients());
    },
  });
  const phases = new PhaseHistogram({
    name: 'scenario_gen_phase_duration_seconds',
    help: 'Time finished runs spent in each phase',
    labelNames: ['phase'],
    buckets: [...PHASE_BUCKETS],
    registers,
  });
  return {
    contentType: registry.contentType,
    async render() {
      const s = await readMetrics(sql);
      runs.reset();
      for (const r of s.runsByStatus) runs.set({ status: r.status }, r.count);
      sessions.reset();
      for (const r of s.sessionsByOutcome)
        sessions.set({ agent: r.agent, outcome: r.outcome }, r.count);
      tokens.set({ type: 'input' }, s.tokens.input);
      tokens.set({ type: 'output' }, s.tokens.output);
      tokens.set({ type: 'cache_read' }, s.tokens.cacheRead);
      tokens.set({ type: 'cache_creation' }, s.tokens.cacheCreation);
      cost.set(s.costUsd);
      queue.set(s.queueDepth);
      lag.set(s.executorLagSeconds);
      phases.snapshot = s.phases;
      return registry.metrics();
    },
  };
}
