/**
 * Runs the crash test's executor in a process of its own:
 * `node crash-child.ts <database url> <schema>` sends one event (id `crash-1`) and works on it
 * until killed.
 */
import { connect } from '../../../../db/client.ts';
import { createLocalExecutor } from '../executor.ts';
import { crashFunction } from './crash-function.ts';

const [url, schema] = process.argv.slice(2);
if (!url || !schema) throw new Error('usage: crash-child.ts <database url> <schema>');
const sql = connect(url, { schema, max: 3 });
const executor = createLocalExecutor({
  sql,
  functions: [crashFunction(sql, { hang: true })],
  pollIntervalMs: 50,
});
await executor.start();
await executor.send({ name: 'test/crashy', data: {}, id: 'crash-1' });
