import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Who is asking and from where, for the length of one HTTP request. The audit trail reads it, so
 * every row written while serving a request carries its client address and request id without
 * threading them through every query function.
 */
export interface RequestContext {
  requestId: string;
  clientAddress: string | null;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` with `ctx` as the current request. */
export function withRequestContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/** The request being served, if any (background work started by it inherits it). */
export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}
