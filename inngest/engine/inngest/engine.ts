import type { Inngest } from 'inngest';
import * as v from 'valibot';
import { AppError, InvalidInputError } from '../../../core/errors.ts';
import { redactUrl, redactUrlsIn } from '../../../core/secrets/redact-url.ts';
import type { Engine } from '../port.ts';
import type { AnyFunctionSpec, PipelineEvent } from '../../spec.ts';
import { toInngestEvent } from './step-tools.ts';

/**
 * The durable-execution port on an Inngest server: events go to the server (`client.send`), which
 * calls the served functions back at /api/inngest. Nothing runs in-process until it does, so start
 * and stop have nothing to do. Event data is checked against the schemas of the functions it
 * triggers before it leaves, so a bad event is refused here rather than failing a run there.
 */
export function createInngestEngine(client: Inngest, specs: AnyFunctionSpec[]): Engine {
  const byEvent = new Map<string, AnyFunctionSpec[]>();
  for (const s of specs) byEvent.set(s.trigger.event, [...(byEvent.get(s.trigger.event) ?? []), s]);

  function check(e: PipelineEvent): void {
    for (const spec of byEvent.get(e.name) ?? []) {
      const parsed = v.safeParse(spec.schema, e.data);
      if (!parsed.success) {
        throw new InvalidInputError(
          parsed.issues.map((i) => ({
            field: `data${v.getDotPath(i) ? '.' + v.getDotPath(i) : ''}`,
            message: i.message,
          })),
          `Invalid data for event ${e.name} (${spec.id}).`,
        );
      }
    }
  }

  return {
    kind: 'inngest',
    async send(events) {
      const list = Array.isArray(events) ? events : [events];
      list.forEach(check);
      if (list.length === 0) return;
      try {
        await client.send(list.map(toInngestEvent));
      } catch (e) {
        throw new AppError(
          'internal',
          `Could not send ${list.map((x) => x.name).join(', ')} to the Inngest server at ${redactUrl(String(client.eventBaseUrl))}: ${redactUrlsIn((e as Error).message)}`,
          { cause: e },
        );
      }
    },
    async start() {},
    async stop() {},
  };
}
