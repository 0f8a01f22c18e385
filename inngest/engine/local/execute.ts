import { randomUUID } from 'node:crypto';
import type { Sql } from '../../../db/client.ts';
import type { AnyFunctionSpec, PipelineEvent } from '../../spec.ts';
import { concurrencyKeys } from './concurrency.ts';
import {
  isNonRetriable,
  isStepFailure,
  retryAfterMs,
  serializeError,
  stepFailure,
} from './errors.ts';
import { createStepTools, type Pause } from './step-tools.ts';
import { insertRun, pauseRun } from '../../../db/executor.ts';
import { loadSteps, pauseForChild, saveStep } from '../../../db/executor-steps.ts';
import type { RunRecord, RunStatus, SerializedError } from './types.ts';

/** What an execution needs from the executor. */
export interface ExecuteDeps {
  sql: Sql;
  functions: Map<string, AnyFunctionSpec>;
  now(): number;
  backoff(attempt: number): number;
  stopping(): boolean;
  send(events: PipelineEvent[]): Promise<unknown>;
  /** Moves the run to a final status (and wakes its parent, queues its failure handler). */
  finish(
    runId: string,
    status: RunStatus,
    result: unknown,
    error: SerializedError | null,
  ): Promise<void>;
}

type Outcome = Pause | { kind: 'done'; result: unknown } | { kind: 'error'; error: unknown };

/**
 * One execution of a claimed run: replays the handler from the top with memoised steps until it
 * returns, throws, or pauses (sleep, retry back-off, invoke, cancel, shutdown), lets in-flight
 * steps settle, then records where the run stands.
 */
export async function execute(d: ExecuteDeps, run: RunRecord, signal: AbortSignal): Promise<void> {
  const spec = d.functions.get(run.functionId);
  if (!spec)
    return d.finish(run.id, 'failed', null, {
      name: 'NonRetriableError',
      message: `Function ${run.functionId} is not registered`,
    });

  let pauseWith: (p: Pause) => void = () => {};
  const paused = new Promise<Pause>((resolve) => (pauseWith = resolve));
  const pending = new Set<Promise<unknown>>();
  const { tools, attempt } = createStepTools(
    {
      runId: run.id,
      retries: spec.retries,
      steps: await loadSteps(d.sql, run.id),
      signal,
      stopping: d.stopping,
      now: d.now,
      backoff: d.backoff,
      functions: d.functions,
      save: (key, step) => saveStep(d.sql, run.id, key, step),
      send: d.send,
      pause: (p) => pauseWith(p),
      track: (p) => {
        pending.add(p);
        p.then(
          () => pending.delete(p),
          () => pending.delete(p),
        );
        return p;
      },
    },
    run.attempt,
  );

  const call = async (): Promise<unknown> => {
    if (run.kind === 'failure') {
      const data = run.event.data as {
        run_id: string;
        error: SerializedError;
        event: PipelineEvent;
      };
      await spec.onFailure?.({
        event: data.event,
        error: stepFailure(data.error),
        runId: data.run_id,
        step: tools,
      });
      return null;
    }
    return spec.handler({
      event: run.event,
      step: tools,
      runId: run.id,
      signal,
      get attempt() {
        return attempt();
      },
    });
  };
  const aborted = new Promise<Pause>((resolve) =>
    signal.aborted
      ? resolve({ kind: 'halt' })
      : signal.addEventListener('abort', () => resolve({ kind: 'halt' }), { once: true }),
  );
  const outcome: Outcome = await Promise.race([
    call().then(
      (result): Outcome => ({ kind: 'done', result }),
      (error: unknown): Outcome => ({ kind: 'error', error }),
    ),
    paused,
    aborted,
  ]);
  // Never leave a step running behind the run's back: the next execution could start it again.
  while (pending.size > 0) await Promise.allSettled([...pending]);
  await record(d, spec, run, outcome, signal.aborted || d.stopping(), attempt());
}

async function record(
  d: ExecuteDeps,
  spec: AnyFunctionSpec,
  run: RunRecord,
  o: Outcome,
  halted: boolean,
  attempt: number,
): Promise<void> {
  const now = d.now();
  switch (o.kind) {
    case 'done':
      return d.finish(run.id, 'completed', JSON.parse(JSON.stringify(o.result ?? null)), null);
    case 'error': {
      if (halted) break;
      // Errors thrown outside a step retry the whole handler, counted on the run.
      const next = run.attempt + 1;
      if (isStepFailure(o.error) || isNonRetriable(o.error) || next > spec.retries) {
        return d.finish(run.id, 'failed', null, serializeError(o.error));
      }
      await pauseRun(
        d.sql,
        run.id,
        'queued',
        new Date(now + (retryAfterMs(o.error, now) ?? d.backoff(next))),
        next,
      );
      return;
    }
    case 'retry':
      await pauseRun(d.sql, run.id, 'queued', o.wakeAt, o.attempt);
      return;
    case 'sleep':
      await saveStep(d.sql, run.id, o.key, { kind: 'sleep', status: 'sleeping', wakeAt: o.wakeAt });
      await pauseRun(d.sql, run.id, 'sleeping', o.wakeAt, 0);
      return;
    case 'wait':
      await d.sql.begin((tx) => pauseForChild(tx, run.id, o.key));
      return;
    case 'invoke':
      await d.sql.begin(async (tx) => {
        if (!(await pauseRun(tx, run.id, 'sleeping', null, 0))) return; // cancelled meanwhile: start no child
        const event = { name: 'inngest/function.invoked', data: o.data, id: randomUUID() };
        const child = await insertRun(tx, {
          functionId: o.spec.id,
          event,
          concurrencyKeys: concurrencyKeys(o.spec, event),
          parentRunId: run.id,
          parentStepKey: o.key,
        });
        await saveStep(tx, run.id, o.key, {
          kind: 'invoke',
          status: 'waiting',
          childRunId: child.id,
        });
      });
      return;
    case 'halt':
      break;
  }
  // Cancelled (the row is final already: no-op) or shut down: back to the queue, resumable.
  await pauseRun(d.sql, run.id, 'queued', null, attempt);
}
