import { createHash } from 'node:crypto';
import { InngestTestEngine } from '@inngest/test';
import type { InngestFunction } from 'inngest';
import { createLogger } from '../../../core/log.ts';
import type { AnyFunctionSpec } from '../../spec.ts';
import { engineContract, type EngineHarness, type Finished } from '../testing/contract.ts';
import { createInngestClient } from './client.ts';
import { fromSdkError } from './errors.ts';
import { failureHandlerFor, toInngestFunctions } from './function.ts';

/**
 * The Inngest adapter passes the engine contract through @inngest/test, which executes a
 * function once; what an Inngest server adds is played here as the server does it: a run whose
 * step failed with a retriable error is executed again with its finished steps memoised, an
 * invoke runs the target function, sleeps return at once, and the failure handler is called
 * with `inngest/function.failed`.
 */
const client = createInngestClient(
  { INNGEST_DEV: { dev: true } },
  {
    log: createLogger('error', [], () => {}),
  },
);

type Ctx = { step: Record<string, unknown> } & Record<string, unknown>;

async function drive(
  fns: Map<string, InngestFunction.Any>,
  fn: InngestFunction.Any,
  data: Record<string, unknown>,
  retries: number,
  eventName: string,
): Promise<Finished> {
  const memo: Array<{ id: string; handler: () => unknown }> = [];
  for (let attempt = 0; ; attempt++) {
    const ids: string[] = [];
    const t = new InngestTestEngine({
      function: fn,
      steps: memo,
      transformCtx: (raw) => {
        const ctx = raw as unknown as Ctx;
        const run = ctx.step['run'] as (id: string, fn: () => unknown) => Promise<unknown>;
        ctx.step['run'] = (id: string, fn: () => unknown) => {
          ids.push(id);
          return run(id, fn);
        };
        ctx.step['sleep'] = async () => undefined;
        ctx.step['sleepUntil'] = async () => undefined;
        ctx.step['invoke'] = async (
          _id: string,
          o: { function: InngestFunction.Any; data: Record<string, unknown> },
        ) => {
          const r = await drive(fns, o.function, o.data, 0, 'inngest/function.invoked');
          if (r.status === 'failed') throw r.error;
          return r.result;
        };
        return raw;
      },
    });
    const { result, error, state } = await t.execute({
      events: [{ name: eventName, data }],
    });
    if (!error) return { status: 'completed', result };
    const err = fromSdkError(error);
    if ((error as Error).name === 'NonRetriableError' || attempt >= retries)
      return { status: 'failed', error: err };
    // Inngest retries the failed step; the steps that finished are not run again. Its state is
    // keyed by the hash of each step id.
    const byHash = new Map(ids.map((id) => [createHash('sha1').update(id).digest('hex'), id]));
    memo.length = 0;
    for (const [hash, p] of Object.entries(state)) {
      const id = byHash.get(hash);
      const [settled] = await Promise.allSettled([p]);
      if (id && settled!.status === 'fulfilled') {
        const value = settled!.value;
        memo.push({ id, handler: () => value });
      }
    }
  }
}

engineContract('Inngest adapter (@inngest/test)', async (): Promise<EngineHarness> => ({
  async run(specs, entry, data) {
    const fns = new Map(toInngestFunctions(client, specs).map((f, i) => [specs[i]!.id, f]));
    return drive(fns, fns.get(entry.id)!, data, entry.retries, entry.trigger.event);
  },
  async fail(specs: AnyFunctionSpec[], entry, data, error) {
    const fns = new Map(toInngestFunctions(client, specs).map((f, i) => [specs[i]!.id, f]));
    const handler = failureHandlerFor(entry, fns);
    if (!handler) return;
    const failureFn = client.createFunction(
      { id: `${entry.id}-failure`, triggers: [{ event: 'inngest/function.failed' }] },
      handler,
    ) as unknown as InngestFunction.Any;
    const t = new InngestTestEngine({ function: failureFn });
    const { error: failed } = await t.execute({
      events: [
        {
          name: 'inngest/function.failed',
          data: {
            run_id: 'r',
            function_id: entry.id,
            event: { name: entry.trigger.event, data },
            error: {
              name: error.name,
              message: `[${(error as { code?: string }).code ?? 'internal'}] ${error.message}`,
            },
          },
        },
      ],
    });
    if (failed) throw failed;
  },
  async close() {},
}));
