import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { InvalidInputError } from '../../../core/errors.ts';
import type { Sql } from '../../../db/client.ts';
import * as store from '../../../db/executor.ts';
import { NonRetriableError } from '../../errors.ts';
import type { AnyFunctionSpec, PipelineEvent } from '../../spec.ts';
import { concurrencyKeys } from './concurrency.ts';
import { serializeError } from './errors.ts';
import type { RunRecord } from './types.ts';

/**
 * Records events and the runs they trigger, in the executor's Postgres queue: each event once
 * (by id; a second with the same id is dropped), a run per function it triggers (with its
 * concurrency keys; bad data is a run failed at once, non-retriable), then the runs its
 * `cancelOn` rules match are cancelled. What the executor's `send` does, and all a process that
 * only enqueues (an api process, the edge) needs.
 */
export async function enqueue(
  deps: {
    sql: Sql;
    functions: Map<string, AnyFunctionSpec>;
    log: (msg: string, data?: object) => void;
    cancel: (runId: string) => Promise<boolean>;
  },
  events: PipelineEvent[],
): Promise<{ ids: string[]; failed: RunRecord[] }> {
  const { sql, functions, log } = deps;
  const ids: string[] = [];
  const failed: RunRecord[] = [];
  for (const [i, e] of events.entries()) {
    if (typeof e?.name !== 'string' || e.name === '')
      throw new InvalidInputError([
        { field: `events[${i}].name`, message: 'An event needs a name.' },
      ]);
    const id = e.id ?? randomUUID();
    ids.push(id);
    const fresh = await sql.begin(async (tx) => {
      if (!(await store.recordEvent(tx, id, e.name, e.data))) return false;
      for (const spec of functions.values()) {
        if (spec.trigger.event !== e.name) continue;
        const parsed = v.safeParse(spec.schema, e.data);
        const event = { name: e.name, data: parsed.success ? parsed.output : e.data, id };
        const run = await store.insertRun(tx, {
          functionId: spec.id,
          event,
          concurrencyKeys: parsed.success ? concurrencyKeys(spec, event) : [],
          ...(parsed.success
            ? {}
            : {
                error: serializeError(
                  new NonRetriableError(`Invalid event data: ${v.summarize(parsed.issues)}`),
                ),
              }),
        });
        if (run.status === 'failed') failed.push(run);
      }
      return true;
    });
    if (!fresh) {
      log('duplicate event dropped', { id, name: e.name });
      continue;
    }
    for (const spec of functions.values()) {
      for (const rule of spec.cancelOn ?? []) {
        const value =
          rule.event === e.name
            ? (e.data as Record<string, unknown> | null)?.[rule.matchField]
            : undefined;
        if (value === undefined) continue;
        for (const runId of await store.unfinishedByField(sql, spec.id, rule.matchField, value))
          await deps.cancel(runId);
      }
    }
  }
  return { ids, failed };
}
