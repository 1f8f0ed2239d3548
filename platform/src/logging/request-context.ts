import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line of one request (or one consumed message) carries. */
export interface RequestContext {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs fn with ctx as the current request context. */
export function runWithContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/** The current request context, if the code runs inside one. */
export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}
