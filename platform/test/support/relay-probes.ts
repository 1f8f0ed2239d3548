import { Client } from 'pg';
import type { OutboxRelay } from '../../src/outbox';

/**
 * Counts the drains that relays of this process start: each begins with the claim query that
 * tries the drain lock (outbox-drain-sql.ts). Call stop() when done.
 */
export function countDrainClaims(): { count(): number; stop(): void } {
  const spy = jest.spyOn(Client.prototype, 'query');
  return {
    count: () => spy.mock.calls.filter(([text]) => typeof text === 'string' && text.includes('pg_try_advisory_xact_lock')).length,
    stop: () => spy.mockRestore(),
  };
}

/**
 * True when the relay runs no drain and has none due: what start() set off (the start-up sweep)
 * is over. Reads the relay's private `draining`, which requestDrain() sets synchronously and the
 * drain loop clears when it ends without another request.
 */
export function relayIdle(relay: OutboxRelay): boolean {
  if (!('draining' in relay)) throw new Error('OutboxRelay has no `draining` field any more: update relayIdle()');
  return (relay as unknown as { draining: Promise<void> | undefined }).draining === undefined;
}
