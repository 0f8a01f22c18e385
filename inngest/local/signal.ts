import { AsyncLocalStorage } from 'node:async_hooks';

interface RunScope {
  runId: string;
  signal: AbortSignal;
}

const scope = new AsyncLocalStorage<RunScope>();

/** Runs `fn` (a handler) so that code it calls can find the run's abort signal. */
export function withRunSignal<T>(runId: string, signal: AbortSignal, fn: () => T): T {
  return scope.run({ runId, signal }, fn);
}

/**
 * The abort signal of the local-executor run whose handler or step is calling, or undefined
 * (outside a run, or under an Inngest server). It aborts when the run is cancelled or the
 * executor is stopped by force; step code that starts processes should pass it on (e.g. to
 * execa's `cancelSignal`) so they die with the run.
 */
export function currentRunSignal(): AbortSignal | undefined {
  return scope.getStore()?.signal;
}
