/**
 * Clean-up that runs once, whether the benchmark finishes, throws, or is interrupted (Ctrl-C,
 * SIGTERM): steps run last-registered first, each one's failure reported and not fatal.
 */
export interface Cleanup {
  add(step: () => Promise<void> | void): void;
  run(): Promise<void>;
}

export function createCleanup(): Cleanup {
  const steps: Array<() => Promise<void> | void> = [];
  let running: Promise<void> | undefined;
  const c: Cleanup = {
    add: (step) => void steps.push(step),
    run() {
      running ??= (async () => {
        for (const step of steps.reverse()) {
          try {
            await step();
          } catch (e) {
            process.stderr.write(`cleanup: ${(e as Error)?.message ?? String(e)}\n`);
          }
        }
      })();
      return running;
    },
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      process.stderr.write(`${sig}: cleaning up…\n`);
      void c.run().finally(() => process.exit(130));
    });
  }
  return c;
}
