import * as v from 'valibot';
import type { Sql } from '../../../../db/client.ts';
import type { FunctionSpec } from '../../../spec.ts';

/**
 * The function of the crash test: three steps, each appending a row to `crash_log` when it
 * executes. With `hang`, step b never finishes (the child process is killed inside it).
 */
export function crashFunction(
  sql: Sql,
  o: { hang: boolean },
): FunctionSpec<Record<string, unknown>, string> {
  const log = async (step: string): Promise<void> => {
    await sql`INSERT INTO crash_log (step, pid) VALUES (${step}, ${process.pid})`;
  };
  return {
    id: 'crashy',
    name: 'crashy',
    trigger: { event: 'test/crashy' },
    schema: v.record(v.string(), v.unknown()),
    retries: 0,
    handler: async ({ step }) => {
      await step.run('a', () => log('a'));
      await step.run('b', async () => {
        await log('b');
        if (o.hang) await new Promise(() => {});
      });
      await step.run('c', () => log('c'));
      return 'done';
    },
  };
}
