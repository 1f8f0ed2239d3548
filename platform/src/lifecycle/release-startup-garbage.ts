import { getLogger } from '../logging';

const log = getLogger('lifecycle');

/**
 * Runs one memory-reducing full GC; resolves when it is done (or at once where it cannot run).
 *
 * Why, once start-up is over: loading ~700 modules grows V8's young generation to 32 MB (most of
 * it empty once start-up ends) and leaves start-up garbage in the old one. V8's memory reducer
 * hands that back by itself, but only once it judges the process idle: measured here ~100 s
 * after start (order-service 121 → 104 MB); until then an idle service sits at ~120 MB. This GC
 * takes it to ~99 MB right away. Under load the young generation grows back as it did before
 * (to 128 MB), so throughput and peak memory are unchanged; the cost is one pause of ~50-80 ms,
 * which runMain takes a second after start-up rather than before the first /ready answer.
 *
 * The inspector protocol's HeapProfiler.collectGarbage is the one way to ask for this GC without
 * starting node with --expose-gc; the session is in-process and opens no port.
 */
export function releaseStartupGarbage(): Promise<void> {
  let Session: typeof import('node:inspector').Session;
  try {
    // Required here, not imported: a node built without the inspector throws on loading it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    ({ Session } = require('node:inspector') as typeof import('node:inspector'));
  } catch {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    let session: InstanceType<typeof Session> | undefined;
    // Disconnecting from inside the response callback hangs the process (node 24): after it.
    const done = (): void => {
      setImmediate(() => {
        session?.disconnect();
        resolve();
      });
    };
    try {
      session = new Session();
      session.connect();
      session.post('HeapProfiler.collectGarbage', (error) => {
        if (error) log.debug('Start-up garbage not collected', { error });
        done();
      });
    } catch (error) {
      // e.g. the permission model refuses the inspector: the memory reducer still runs later.
      log.debug('Start-up garbage not collected', { error });
      done();
    }
  });
}
