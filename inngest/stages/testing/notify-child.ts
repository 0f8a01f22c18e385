/**
 * The notify crash test's first server, in a process of its own:
 * `node notify-child.ts <database url> <schema> <notice JSON>` runs notify-run on the local
 * executor (retries 2 s apart), sends the notice and works on it until killed.
 */
import { createLogger } from '../../../core/log.ts';
import { connect } from '../../../db/client.ts';
import { createLocalExecutor } from '../../engine/local/executor.ts';
import { noticeEvent, type NoticeRequested } from '../../notices.ts';
import { createNotifyRun } from '../notify-run.ts';

const [url, schema, notice] = process.argv.slice(2);
if (!url || !schema || !notice) throw new Error('usage: notify-child.ts <url> <schema> <notice>');
const sql = connect(url, { schema, max: 3 });
const executor = createLocalExecutor({
  sql,
  functions: [createNotifyRun({ sql, log: createLogger('error') })],
  retryBackoff: () => 2000,
  pollIntervalMs: 50,
});
await executor.start();
await executor.send(noticeEvent(JSON.parse(notice) as NoticeRequested));
