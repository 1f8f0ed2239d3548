import { defineSubscription, RabbitMqEventBus } from '@shop/platform/messaging';
import { getLogger } from '@shop/platform/logging';
import { z } from 'zod';
import type { SessionRevocations } from './session-revocations';

const log = getLogger('session-revocations');

// The gateway's own copy of the fields it reads of user-service's events.
const sessionsRevoked = z.object({ userId: z.uuid(), revokedBefore: z.iso.datetime() });
const userDeleted = z.object({ userId: z.uuid(), deletedAt: z.iso.datetime() });

/** Where the feed listens. */
export interface RevocationFeedSettings {
  RABBITMQ_URL: string;
  EVENTS_EXCHANGE: string;
}

/**
 * Feeds the revocations from the event bus through a broadcast subscription: a queue of this
 * gateway's own (exclusive, auto-delete), so every replica hears every revocation. Connects in
 * the background, never delaying the gateway's start: while the broker is unreachable the
 * gateway serves on, and a token revoked meanwhile works until it expires (the access-token
 * lifetime). /ready does not depend on it. A gateway that starts (or restarts) knows none of
 * the revocations before it: the same lifetime bound applies to those.
 */
export function startRevocationFeed(settings: RevocationFeedSettings, revocations: SessionRevocations): { close: () => Promise<void> } {
  const bus = new RabbitMqEventBus({ url: settings.RABBITMQ_URL, exchange: settings.EVENTS_EXCHANGE, serviceName: 'api-gateway', broadcast: true, prefetch: 50 });
  bus.subscribe(
    defineSubscription('user.sessions_revoked', sessionsRevoked, async ({ payload }) => {
      revocations.revoke(payload.userId, Date.parse(payload.revokedBefore));
      log.info('Sessions revoked', { userId: payload.userId });
    }),
  );
  // user-service publishes user.sessions_revoked with every deletion too; this one covers a deletion alone.
  bus.subscribe(
    defineSubscription('user.deleted', userDeleted, async ({ payload }) => {
      revocations.revoke(payload.userId, Date.parse(payload.deletedAt));
    }),
  );
  // start() never rejects for a broker that is down (it keeps reconnecting); anything else is a bug worth a log line.
  bus.start().catch((error: unknown) => log.error('Session revocation feed failed to start', { error }));
  return { close: () => bus.close() };
}
