import { engineContract, type EngineHarness } from '../testing/contract.ts';
import { stepFailure } from './errors.ts';
import { harness } from './testing/harness.ts';

/** The local executor passes the engine contract (failure runs are its own, started on failure). */
engineContract('local executor', async (): Promise<EngineHarness> => {
  const h = await harness();
  return {
    async run(specs, entry, data) {
      const ex = h.executor({ functions: specs });
      await ex.start();
      const run = await h.run(ex, entry.trigger.event, data);
      const done = await ex.waitForRun(run.id, 30_000);
      // The failure handler runs as a run of its own; let it finish before the next step.
      const failures = await ex.listRuns({ parentRunId: run.id });
      for (const f of failures) await ex.waitForRun(f.id, 30_000);
      await ex.stop({ timeoutMs: 2000 });
      return done.status === 'completed'
        ? { status: 'completed', result: done.result }
        : { status: 'failed', ...(done.error ? { error: stepFailure(done.error) } : {}) };
    },
    // The executor already ran the failure handler when the run failed (see run()).
    async fail() {},
    close: () => h.close(),
  };
});
