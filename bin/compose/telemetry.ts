import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Config } from '../../core/config.ts';
import type { Logger } from '../../core/log.ts';
import type { Sql } from '../../db/client.ts';
import { readRunTrace } from '../../db/trace-data.ts';
import { emitRunTrace } from '../../inngest/telemetry/run-trace.ts';

/** Exports finished runs as traces; `close` flushes what is pending. */
export interface RunTracing {
  runFinished(runId: string): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * OpenTelemetry traces over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set, else undefined.
 * The provider is the app's own (not registered globally), so the Inngest SDK's instrumentation
 * and ours never fight over one.
 */
export function startRunTracing(
  config: Config,
  sql: Sql,
  log: Logger,
  version: string,
): RunTracing | undefined {
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return undefined;
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': config.OTEL_SERVICE_NAME,
      'service.version': version,
    }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000 })],
  });
  const tracer = provider.getTracer('scenario-generator', version);
  const pending = new Set<Promise<void>>();
  log.info(`traces go to ${endpoint} (OTLP/HTTP)`);
  return {
    runFinished(runId) {
      const job = readRunTrace(sql, runId)
        .then((data) => data && emitRunTrace(tracer, data))
        .catch((e: unknown) => log.warn(`trace of run ${runId} not exported: ${String(e)}`))
        .finally(() => pending.delete(job));
      pending.add(job);
    },
    async flush() {
      await Promise.all(pending);
      await provider.forceFlush();
    },
    async close() {
      await Promise.all(pending);
      await provider.shutdown();
    },
  };
}
