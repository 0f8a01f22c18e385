/**
 * Test support for orphans.test.ts: a stand-in runner process that starts one real session (pid
 * file + Postgres row) and is then killed by the test, leaving the session behind. Input: one
 * JSON argument; output: `spawned <pid>` on stdout once the CLI runs.
 */
import { createFsStore } from '../../core/store/fs.ts';
import { connect } from '../../db/client.ts';
import { createDbInteractionRecorder } from '../../db/agent-interactions.ts';
import type { AgentSessionRequest } from '../agent/port.ts';
import { createClaudeCodeAgent } from '../claude/adapter.ts';
import { createPidFileTracker } from '../orphans.ts';
import { runAgentSession } from '../session.ts';

interface ChildInput {
  dbUrl: string;
  schema: string;
  dataRoot: string;
  runnerId: string;
  request: AgentSessionRequest;
}

const input = JSON.parse(process.argv[2] ?? '{}') as ChildInput;
const sql = connect(input.dbUrl, { schema: input.schema, max: 2 });
const store = createFsStore(`${input.dataRoot}/objects`);
await store.init();
await runAgentSession(
  {
    agent: createClaudeCodeAgent(),
    store,
    publish: (e) => {
      if (e.kind === 'init') process.stdout.write(`spawned ready\n`);
    },
    recorder: createDbInteractionRecorder(sql),
    secrets: [],
    transcriptCapBytes: 1 << 20,
    tracker: createPidFileTracker(input.dataRoot, input.runnerId),
  },
  {
    request: input.request,
    template: { name: 'implement', version: 'test' },
    context: { runnerId: input.runnerId },
  },
);
